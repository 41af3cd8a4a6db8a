package dev.herald;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.internal.bus.BusThreads;
import dev.herald.internal.codec.EventTypeRegistry;
import dev.herald.internal.codec.SupportedJackson;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The options every {@link EventBus} shares, whatever its transport; each transport's builder
 * (such as {@code InMemoryEventBus.builder()} or {@code RedisEventBus.builder(client)}) extends it.
 *
 * <pre>{@code
 * EventBus bus = InMemoryEventBus.builder()
 *         .source("orders-service")
 *         .retry(RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 5))
 *         .shutdownTimeout(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 *
 * <p>Each setter rejects a bad value at once, with the value in the message. A builder is not
 * thread-safe; the bus it builds is, and later changes to the builder do not affect it.
 *
 * @param <B> the concrete builder type
 */
public abstract class EventBusBuilder<B extends EventBusBuilder<B>> {

    /** Default {@link #maxMessageSize(int)}: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
    /** Default {@link #shutdownTimeout(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link #publishTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #maxInFlightPublishes(int)}: 1000. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PUBLISHES = 1000;
    /** Default {@link #deadLetterRawLimit(int)}: 1 MiB. */
    public static final int DEFAULT_DEAD_LETTER_RAW_LIMIT = 1024 * 1024;
    /** Default {@link #source(String)}. */
    public static final String DEFAULT_SOURCE = "herald";

    private String source = DEFAULT_SOURCE;
    private RetryPolicy retry = RetryPolicy.defaults();
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
    private int maxInFlightPublishes = DEFAULT_MAX_IN_FLIGHT_PUBLISHES;
    private final Map<String, Class<?>> types = new LinkedHashMap<>();
    private @Nullable ObjectMapper objectMapper;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private @Nullable RandomGenerator random;
    private @Nullable String instanceId;
    private int deadLetterRawLimit = DEFAULT_DEAD_LETTER_RAW_LIMIT;
    private ThreadFactory threadFactory = BusThreads.daemonPlatform();
    private BusObserver observer = BusObserver.noop();

    /** For subclasses. */
    protected EventBusBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * The CloudEvents {@code source} of published events: the name of this service. In Redis
     * Streams mode it also names the consumer groups, so instances of one service share work.
     *
     * @param source a non-blank URI-reference such as {@code "orders-service"}; default {@code "herald"}
     * @return this builder
     */
    public B source(String source) {
        Objects.requireNonNull(source, "source");
        if (source.isBlank() || source.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("source must be a non-blank URI-reference without white space, such as 'orders-service', but was '" + source + "'");
        }
        this.source = source;
        return self();
    }

    /**
     * The retry policy of every subscription that does not set its own.
     *
     * @param retry the policy; default {@link RetryPolicy#defaults()}
     * @return this builder
     */
    public B retry(RetryPolicy retry) {
        this.retry = Objects.requireNonNull(retry, "retry");
        return self();
    }

    /**
     * The largest message, in bytes, that is published or handled; a larger received one becomes
     * a dead letter with reason {@link DeadLetter.Reason#TOO_LARGE}, a larger published one fails
     * its future.
     *
     * @param bytes from 1 KiB to 512 MiB; default 1 MiB
     * @return this builder
     */
    public B maxMessageSize(int bytes) {
        if (bytes < 1024 || bytes > 512 * 1024 * 1024) {
            throw new IllegalArgumentException("maxMessageSize must be between 1024 bytes and 512 MiB but was " + bytes);
        }
        this.maxMessageSize = bytes;
        return self();
    }

    /**
     * How many bytes of an oversized message (one over {@link #maxMessageSize(int)}) its
     * {@link DeadLetter.Reason#TOO_LARGE} dead letter keeps: the first bytes, with the original
     * length in {@link DeadLetter#rawMessageLength()}. Such a message is stored once per bus,
     * whatever the number of handlers of its type: by the first of them that receives it, under
     * its name, its error naming the others. Other dead letters keep their message whole, as it
     * is within {@code maxMessageSize}.
     *
     * @param bytes from 0 to 512 MiB; default 1 MiB
     * @return this builder
     */
    public B deadLetterRawLimit(int bytes) {
        if (bytes < 0 || bytes > 512 * 1024 * 1024) {
            throw new IllegalArgumentException("deadLetterRawLimit must be between 0 bytes and 512 MiB but was " + bytes);
        }
        this.deadLetterRawLimit = bytes;
        return self();
    }

    /**
     * How long {@link EventBus#shutdown()} and {@link EventBus#close()} let handlers finish.
     *
     * @param timeout zero or positive; default 30 seconds
     * @return this builder
     */
    public B shutdownTimeout(Duration timeout) {
        this.shutdownTimeout = requireNotNegative(timeout, "shutdownTimeout");
        return self();
    }

    /**
     * How long a publish may wait, for room among in-flight publishes or for an unreachable
     * transport, before its future fails.
     *
     * @param timeout positive; default 10 seconds
     * @return this builder
     */
    public B publishTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "publishTimeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("publishTimeout must be positive but was " + timeout);
        }
        this.publishTimeout = timeout;
        return self();
    }

    /**
     * How many publishes may wait for the transport at once; a further publish waits for room
     * (up to the publish timeout), so a fast publisher cannot fill memory.
     *
     * @param max at least 1; default 1000
     * @return this builder
     */
    public B maxInFlightPublishes(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxInFlightPublishes must be >= 1 but was " + max);
        }
        this.maxInFlightPublishes = max;
        return self();
    }

    /**
     * Maps a type name to a class by hand, for classes without {@link EventType @EventType}
     * (or to decode by-name subscriptions into a class).
     *
     * @param type the type name
     * @param eventClass the class
     * @return this builder
     * @throws IllegalArgumentException if the type is already mapped to another class
     */
    public B registerType(String type, Class<?> eventClass) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(eventClass, "eventClass");
        EventTypeRegistry.checkTypeName(type);
        Class<?> previous = types.putIfAbsent(type, eventClass);
        if (previous != null && previous != eventClass) {
            throw new IllegalArgumentException("type '" + type + "' is already registered for " + previous.getName()
                    + "; cannot register it for " + eventClass.getName());
        }
        return self();
    }

    /**
     * The Jackson mapper for event payloads. Herald never changes the mapper given: it works on a
     * {@linkplain ObjectMapper#copy() copy}, on which it registers Java time and {@code Optional}
     * support, writes dates as ISO-8601 text ({@code WRITE_DATES_AS_TIMESTAMPS} off), keeps the
     * time zone written ({@code ADJUST_DATES_TO_CONTEXT_TIME_ZONE} off), rejects trailing content
     * ({@code FAIL_ON_TRAILING_TOKENS}), reads decimals exactly ({@code USE_BIG_DECIMAL_FOR_FLOATS},
     * trailing zeros kept) and writes long plain-ASCII strings in one copy where its string
     * serializer is Jackson's own. Default: such a mapper that ignores unknown properties.
     *
     * @param objectMapper the mapper to copy
     * @return this builder
     */
    public B objectMapper(ObjectMapper objectMapper) {
        this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
        return self();
    }

    /**
     * The clock for event times and dead-letter times; for tests.
     *
     * @param clock the clock; default {@link Clock#systemUTC()}
     * @return this builder
     */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /**
     * What waits between retries; for tests that check backoff without sleeping.
     *
     * @param sleeper the sleeper; default {@link Sleeper#system()}
     * @return this builder
     */
    public B sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return self();
    }

    /**
     * The random source for retry jitter and event ids; for tests.
     *
     * @param random the generator, used from many threads (so thread-safe, or used under a lock);
     *     default {@link java.util.concurrent.ThreadLocalRandom}
     * @return this builder
     */
    public B random(RandomGenerator random) {
        this.random = Objects.requireNonNull(random, "random");
        return self();
    }

    /**
     * This bus instance's id: the publisher id on the wire and, in Redis Streams mode, the
     * consumer name.
     *
     * @param instanceId non-blank, without white space; default a random UUID
     * @return this builder
     */
    public B instanceId(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        if (instanceId.isBlank() || instanceId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("instanceId must be non-blank without white space but was '" + instanceId + "'");
        }
        this.instanceId = instanceId;
        return self();
    }

    /**
     * Where every thread the bus starts comes from: each handler's workers ({@code concurrency}
     * per subscription), and the transport's own (a Redis bus's timer thread, its Pub/Sub intake
     * or one reader per Streams subscription). Safe with virtual threads:
     *
     * <pre>{@code
     * EventBus bus = InMemoryEventBus.builder().threadFactory(Thread.ofVirtual().factory()).build();
     * }</pre>
     *
     * <p>Herald names each thread it gets ({@code herald-<handler>-<n>}, {@code herald-reader-<group>},
     * {@code herald-intake-<instanceId>}, ...) with {@link Thread#setName}, replacing the factory's
     * name; a thread that may not be renamed keeps it. Everything else is the factory's: daemon or
     * not, priority, thread group, context class loader. A platform thread that is not a daemon keeps
     * the JVM alive until the bus has shut down. A factory that returns {@code null} (rejects the
     * request) makes the call that needed the thread ({@code build()}, {@code start()} or
     * {@code subscribe(...)}) fail with an {@link IllegalStateException}. Lettuce's event-loop threads are the client's,
     * set through its {@code ClientResources}, not this factory's.
     *
     * @param threadFactory the factory; default: daemon platform threads, as {@code new Thread(task)} makes them
     * @return this builder
     */
    public B threadFactory(ThreadFactory threadFactory) {
        this.threadFactory = Objects.requireNonNull(threadFactory,
                "threadFactory must not be null; for virtual threads pass Thread.ofVirtual().factory()");
        return self();
    }

    /**
     * What is told of everything the bus does, for metrics and tracing: each publish, each event
     * received for a handler, each handler run (made current around the handler's call), each
     * retry and dead letter, and events a Pub/Sub subscriber missed. Herald's own observers are
     * in the modules herald-micrometer and herald-opentelemetry. What an observer throws is logged
     * and otherwise ignored: observing never changes what happens to an event. With none set, the
     * bus does no observing work at all.
     *
     * <pre>{@code
     * EventBus bus = InMemoryEventBus.builder().observer(BusObserver.composite(metrics, tracing)).build();
     * }</pre>
     *
     * @param observer the observer, replacing any set before; several combine with
     *     {@link BusObserver#composite(BusObserver...)}; default {@link BusObserver#noop()}
     * @return this builder
     */
    public B observer(BusObserver observer) {
        this.observer = Objects.requireNonNull(observer,
                "observer must not be null; leave it unset (or pass BusObserver.noop()) to observe nothing");
        return self();
    }

    /**
     * The options set so far, as a value; for transports' {@code build()} methods.
     *
     * @return the settings
     * @throws IllegalStateException if the Jackson on the class path is older than Herald supports
     */
    protected BusSettings settings() {
        SupportedJackson.require();
        return new BusSettings(source, retry, maxMessageSize, shutdownTimeout, publishTimeout, maxInFlightPublishes,
                types, objectMapper, clock, sleeper, random,
                instanceId != null ? instanceId : UUID.randomUUID().toString(), deadLetterRawLimit, threadFactory, observer);
    }

    /**
     * Builds the bus, not yet started.
     *
     * @return the bus
     */
    public abstract EventBus build();

    private static Duration requireNotNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must be zero or positive but was " + d);
        }
        return d;
    }
}
