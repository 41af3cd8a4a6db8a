package dev.herald.redis;

import dev.herald.EventBusBuilder;
import dev.herald.internal.TransportEventBus;
import dev.herald.redis.internal.RedisDeadLetterStore;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.RedisPubSubTransport;
import dev.herald.spi.BusSettings;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.Objects;

/**
 * The event bus over Redis: the seed's {@code RedisEventBus}, on the Lettuce client.
 *
 * <pre>{@code
 * EventBus bus = RedisEventBus.builder(RedisClient.create("redis://localhost:6379"))
 *         .source("orders-service")
 *         .retry(RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 5))
 *         .build();                                  // or: new RedisEventBus(client), with defaults
 * bus.subscribe(OrderPlaced.class, e -> mailer.confirm(e.payload()));
 * bus.start();                                       // returns once every subscription is live in Redis
 * bus.publish(new OrderPlaced("42", 9950)).join();   // completes once Redis accepted it
 * bus.shutdown();
 * }</pre>
 *
 * <h2>Redis layout</h2>
 * Each event type travels on the channel {@code <prefix>:<type>} (prefix default
 * {@code herald}); dead letters go to the stream {@code <prefix>:dlq}, shared by all instances; each
 * bus checks its subscription with a heartbeat on {@code <prefix>:heartbeat:<instanceId>}. One
 * Pub/Sub connection serves all of a bus's subscriptions; publishing uses another.
 *
 * <h2>Delivery caveat: Pub/Sub forgets</h2>
 * Redis Pub/Sub delivers an event to the subscribers connected when it is published, and keeps
 * nothing. Events published while a bus is stopped, or while its connection is down, are missed:
 * Herald counts them (publishers number their events, and a gap is logged and shown in
 * {@link #health()} as {@code missedEvents}) but cannot recover them. Where every event counts,
 * use Streams mode.
 *
 * <h2>Slow handlers</h2>
 * Received events wait in each handler's bounded queue; when a queue is full, intake waits, and
 * events wait in a bounded subscriber buffer ({@link Builder#subscriberBuffer(int, long)}), never
 * on Lettuce's I/O threads. Pub/Sub cannot hold a backlog: when that buffer is full too, further
 * events are missed and counted, as Redis itself does when a subscriber's output buffer passes
 * {@code client-output-buffer-limit pubsub} (default 32 MB hard, 8 MB for 60 s): it disconnects
 * it. For handlers slower than the publish rate, raise the handler's concurrency, or use Streams.
 *
 * <h2>Connections</h2>
 * Anything Lettuce's {@code RedisURI} takes: {@code redis://user:password@host:port/db},
 * {@code rediss://} for TLS (for a private CA, build the {@code RedisClient} with
 * {@code ClientOptions.sslOptions(...)} and pass it to {@link #builder(RedisClient)}), Sentinel.
 * A client passed in stays the caller's: the bus closes its own connections, never the client.
 * A bus built from a URI string owns its client and shuts it down with the bus.
 *
 * <p>Thread-safe.
 */
public final class RedisEventBus extends TransportEventBus {

    /** How events travel through Redis. */
    public enum Mode {
        /** Redis Pub/Sub: fan-out to every running instance; nothing kept for absent subscribers. */
        PUBSUB,
        /** Redis Streams: durable, at-least-once per consumer group (not available yet). */
        STREAMS
    }

    private final RedisEndpoint endpoint;
    private final RedisDeadLetterStore store;

    /**
     * A bus with default options on a client the caller owns.
     *
     * @param client the Lettuce client
     */
    public RedisEventBus(RedisClient client) {
        this(builder(client).parts());
    }

    private RedisEventBus(Parts parts) {
        super(parts.settings(), parts.transport(), parts.store());
        this.endpoint = parts.endpoint();
        this.store = parts.store();
    }

    /**
     * A builder on a client the caller owns (and closes).
     *
     * @param client the Lettuce client, for example {@code RedisClient.create("redis://localhost:6379")}
     * @return a new builder
     */
    public static Builder builder(RedisClient client) {
        return new Builder(RedisEndpoint.shared(Objects.requireNonNull(client, "client")));
    }

    /**
     * A builder on a client the bus makes from a URI and shuts down with it.
     *
     * @param uri for example {@code "redis://localhost:6379"} or {@code "rediss://user:pw@host:6380/0"}
     * @return a new builder
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static Builder builder(String uri) {
        return new Builder(RedisEndpoint.owned(Objects.requireNonNull(uri, "uri")));
    }

    /**
     * Events this bus's subscriber missed while disconnected or cut off, counted from the
     * publishers' sequence numbers.
     *
     * @return the count
     */
    public long missedEvents() {
        return health().counters().getOrDefault("missedEvents", 0L);
    }

    @Override
    protected void afterShutdown() {
        store.close();
        endpoint.shutdown();
    }

    private record Parts(BusSettings settings, RedisPubSubTransport transport, RedisDeadLetterStore store,
            RedisEndpoint endpoint) {
    }

    /** Builds {@link RedisEventBus}es: the common options plus Redis ones. Not thread-safe. */
    public static final class Builder extends EventBusBuilder<Builder> {

        /** Default {@link #prefix(String)}. */
        public static final String DEFAULT_PREFIX = "herald";
        /** Default {@link #deadLetterRetention(long)}: about 100,000 entries. */
        public static final long DEFAULT_DEAD_LETTER_RETENTION = 100_000;
        /** Default {@link #heartbeat(Duration, Duration)} interval. */
        public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
        /** Default {@link #heartbeat(Duration, Duration)} timeout. */
        public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(6);

        private final RedisEndpoint endpoint;
        private Mode mode = Mode.PUBSUB;
        private String prefix = DEFAULT_PREFIX;
        private long deadLetterRetention = DEFAULT_DEAD_LETTER_RETENTION;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
        private int bufferMessages = 100_000;
        private long bufferBytes = 32L * 1024 * 1024;

        private Builder(RedisEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        /**
         * How events travel: {@link Mode#PUBSUB} (the default).
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The prefix of every Redis key and channel Herald uses.
         *
         * @param prefix letters, digits, {@code .-_}; default {@code herald}
         * @return this builder
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!prefix.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("prefix must be 1 to 64 letters, digits, '.', '-' or '_', such as 'herald', but was '"
                        + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * About how many dead letters the stream {@code <prefix>:dlq} keeps ({@code MAXLEN ~}).
         *
         * @param entries at least 1; default 100,000
         * @return this builder
         */
        public Builder deadLetterRetention(long entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("deadLetterRetention must be >= 1 but was " + entries);
            }
            this.deadLetterRetention = entries;
            return this;
        }

        /**
         * How often the bus sends a heartbeat through its subscription, and after how long
         * without one it reports itself unhealthy and resubscribes.
         *
         * @param interval positive; default 2 s
         * @param timeout longer than the interval; default 6 s
         * @return this builder
         */
        public Builder heartbeat(Duration interval, Duration timeout) {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat interval must be positive but was " + interval);
            }
            if (timeout.compareTo(interval) <= 0) {
                throw new IllegalArgumentException("heartbeat timeout must be longer than the interval (" + interval
                        + ") but was " + timeout);
            }
            this.heartbeatInterval = interval;
            this.heartbeatTimeout = timeout;
            return this;
        }

        /**
         * The bounds of the buffer between Redis and the handlers' queues; past them, Pub/Sub
         * events are missed and counted (see the class documentation).
         *
         * @param messages at least 1; default 100,000
         * @param bytes at least 1 KiB; default 32 MiB
         * @return this builder
         */
        public Builder subscriberBuffer(int messages, long bytes) {
            if (messages < 1) {
                throw new IllegalArgumentException("subscriberBuffer messages must be >= 1 but was " + messages);
            }
            if (bytes < 1024) {
                throw new IllegalArgumentException("subscriberBuffer bytes must be >= 1024 but was " + bytes);
            }
            this.bufferMessages = messages;
            this.bufferBytes = bytes;
            return this;
        }

        private Parts parts() {
            if (mode == Mode.STREAMS) {
                throw new UnsupportedOperationException("Mode.STREAMS is not available yet; use Mode.PUBSUB");
            }
            BusSettings settings = settings();
            RedisPubSubTransport transport = new RedisPubSubTransport(endpoint, new RedisPubSubTransport.Options(prefix,
                    settings.instanceId(), settings.publishTimeout(), heartbeatInterval,
                    heartbeatTimeout, bufferMessages, bufferBytes));
            RedisDeadLetterStore store = new RedisDeadLetterStore(endpoint, prefix + ":dlq", deadLetterRetention,
                    settings.publishTimeout());
            return new Parts(settings, transport, store, endpoint);
        }

        @Override
        public RedisEventBus build() {
            return new RedisEventBus(parts());
        }
    }
}
