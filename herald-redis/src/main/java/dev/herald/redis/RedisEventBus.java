package dev.herald.redis;

import dev.herald.BusState;
import dev.herald.BusStats;
import dev.herald.DeadLetterQueue;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventBusBuilder;
import dev.herald.EventHandler;
import dev.herald.Health;
import dev.herald.Metadata;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.redis.internal.RedisDeadLetterStore;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.SupportedLettuce;
import dev.herald.redis.internal.pubsub.PubSubOptions;
import dev.herald.redis.internal.pubsub.RedisPubSubTransport;
import dev.herald.redis.internal.pubsub.ShardedPubSubTransport;
import dev.herald.redis.internal.streams.RedisStreamsTransport;
import dev.herald.spi.BusSettings;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportBus;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
 * In {@link Mode#PUBSUB} (the default) each event type travels on the channel
 * {@code <prefix>:<type>} (prefix default {@code herald}); each bus checks its subscription with a
 * heartbeat on {@code <prefix>:heartbeat:<instanceId>}, a CloudEvent of the reserved type
 * {@value RedisKeys#HEARTBEAT_TYPE} (types beginning with {@code herald.} are Herald's own: a bus
 * refuses to publish them or to subscribe to them); one Pub/Sub connection serves all of a
 * bus's subscriptions, publishing uses another. In {@link Mode#STREAMS} each type has the stream
 * {@code <prefix>:stream:<type>} (field {@code event}), each handler the consumer group
 * {@code <source>:<handler name>} (so renaming a handler starts a new group), and each bus is one
 * consumer, named by its instance id. Dead letters go to the stream {@code <prefix>:dlq}, shared
 * by all instances.
 *
 * <h2>Delivery caveat: Pub/Sub forgets</h2>
 * Redis Pub/Sub delivers an event to the subscribers connected when it is published, and keeps
 * nothing. Events published while a bus is stopped, or while its connection is down, are missed:
 * Herald counts them (publishers number their events, and a gap is logged and shown in
 * {@link #missedEvents()}, and in {@link #health()}) but cannot recover them. Where every event counts,
 * use Streams mode.
 *
 * <h2>Slow handlers</h2>
 * Received events wait in each handler's bounded queue; when a queue is full, intake waits, and
 * events wait in a bounded subscriber buffer ({@link Builder#subscriberBuffer(int, long)}), never
 * on Lettuce's I/O threads. Once that buffer is nearly full (2 MiB or 20,000 events left, or half
 * of a smaller buffer), the bus stops reading from Redis until it is down to half of that: further
 * events wait in the socket and in Redis's output buffer for the subscriber, so a brief stall
 * loses nothing. Pub/Sub cannot hold a lasting backlog: Redis
 * disconnects a subscriber whose output buffer passes {@code client-output-buffer-limit pubsub}
 * (default 32 MB, or 8 MB for 60 s); the bus reconnects, and the events missed meanwhile are
 * counted as {@code missedEvents}. (Events that arrive while the buffer is entirely full are
 * discarded and counted too.) A bus built from a URI can always pause its reads; a bus on a
 * {@code RedisClient} passed in can only if the client's {@code ClientResources} carry
 * {@link HeraldNetty#customizer()}: otherwise it logs a warning at {@code start()}, reports
 * {@link PubSubHealth#canPauseReads()} false in {@link #health()}, and once the buffer is full discards
 * (and counts) instead of pausing. For handlers slower than the publish rate, raise the
 * handler's concurrency, or use Streams.
 *
 * <h2>Supported versions</h2>
 * Lettuce 6.6 to 7.x (Spring Boot 3.5 manages 6.6, Spring Boot 4.0 6.8) and Jackson 2.15 or
 * a later 2.x; {@link Builder#build()} refuses an older one, naming the version found.
 *
 * <h2>Redis Cluster</h2>
 * The same API runs on a Redis Cluster; only the connection changes. In {@link Mode#PUBSUB} each
 * type's channel {@code <prefix>:<type>} is a shard channel (sharded Pub/Sub, Redis 7 or later):
 * published with {@code SPUBLISH}, it stays on the master that owns its hash slot, so the
 * channels of many types spread over the masters, and each bus subscribes with
 * {@code SSUBSCRIBE} on one connection per master it needs. Each subscribed type has its own
 * heartbeat, on {@link RedisKeys#shardHeartbeat} in the type channel's slot, so every shard the
 * bus listens on is checked end to end. At a failover (the connection to the master closes) or a
 * resharding (Redis ends the subscription when the slot moves), the bus subscribes the channel
 * again at the master that owns the slot now, on its own (Lettuce does not: lettuce#3213); so it
 * does when a channel's heartbeat stays away. Until a heartbeat comes through the new
 * subscription, {@link #health()} is down and names the channel
 * ({@link PubSubHealth#channelsDown()}); events published meanwhile are missed, and counted in
 * {@link #missedEvents()} as on one server. Publishes wait while the slot has no master and
 * follow it to the new one within the publish timeout. On a cluster the instance id must have
 * no '{' or '}'.
 *
 * <p>In {@link Mode#STREAMS}, each type's stream {@code <prefix>:stream:<type>} and the dead
 * letters {@code <prefix>:dlq} are single keys, each in its own hash slot, so the types spread
 * over the masters; no command Herald sends spans two keys, so none needs a hash tag. Publishes
 * and acknowledgements go to each stream's master; each reader reads on a connection of its own
 * to its stream's master.
 * <ul>
 * <li>Failover: when a master dies, the cluster promotes one of its replicas; each reader of its
 * streams sees its connection close (or its read unanswered past its block time plus 2 s, for a
 * master that froze), asks for the topology again and resumes on the promoted replica by itself.
 * Nothing that had been replicated is lost: entries read and not acknowledged are delivered again
 * (at least once), entries whose read was lost on the way are claimed back after the visibility
 * timeout. Replication is asynchronous, so an entry acknowledged by the master that died before
 * it replicated it is lost, though its publish completed; {@link Builder#publishReplicas} makes
 * that unlikely. Publishes held for the dying master are sent again to the promoted replica once
 * the client knows it, within the publish timeout (else their futures fail: counted, never
 * silent); one the dying master had carried out may then be in the stream twice.
 * <li>Resharding: when a stream's slot moves to another master, its stream moves with its groups
 * and pending entries; its reader is told ({@code MOVED}, {@code ASK}) and follows it, and
 * publishes follow Lettuce's redirections.
 * </ul>
 *
 * <p>With a {@code RedisClusterClient} of your own, enable its topology refresh
 * ({@code ClusterClientOptions.topologyRefreshOptions}, periodic and adaptive) and keep the nodes'
 * timeout short ({@code RedisURI.setTimeout}): Lettuce's topology refresh waits that long for a
 * node that accepts connections but does not answer. A bus built from a {@code redis-cluster://}
 * URI does both itself (5 s unless the URI sets {@code timeout}).
 *
 * <h2>Connections</h2>
 * Anything Lettuce's {@code RedisURI} takes: {@code redis://user:password@host:port/db},
 * {@code rediss://} for TLS (for a private CA, build the {@code RedisClient} with
 * {@code ClientOptions.sslOptions(...)} and pass it to {@link #builder(RedisClient)}), Sentinel
 * ({@code redis-sentinel://host:26379[,host:26379...]#master}: the buses follow a failover to the
 * promoted replica), and Redis Cluster ({@link #builder(RedisClusterClient)}, or
 * {@code redis-cluster://host:port[,host:port...]}, {@code rediss-cluster://} for TLS: see "Redis Cluster" above).
 * A client passed in stays the caller's: the bus closes its own connections, never the client.
 * A bus built from a URI string owns its client and shuts it down with the bus.
 *
 * <p>Thread-safe.
 */
public final class RedisEventBus implements EventBus {

    /** How events travel through Redis. */
    public enum Mode {
        /** Redis Pub/Sub: fan-out to every running instance; nothing kept for absent subscribers. */
        PUBSUB,
        /**
         * Redis Streams: durable, at-least-once per consumer group; events wait in Redis for
         * subscribers that are down, and a crashed consumer's work is taken over.
         */
        STREAMS
    }

    private final EventBus bus;
    private final Transport redisTransport;
    private final RedisDeadLetterStore store;

    /**
     * A bus with default options on a client the caller owns.
     *
     * @param client the Lettuce client
     */
    public RedisEventBus(RedisClient client) {
        this(builder(client).parts()); // nothing of its own to release if it fails: the client is the caller's
    }

    private RedisEventBus(Parts parts) {
        RedisDeadLetterStore store = parts.store();
        RedisEndpoint endpoint = parts.endpoint();
        this.bus = TransportBus.create(parts.settings(), parts.transport(), store, () -> {
            store.close();
            endpoint.shutdown();
        });
        this.redisTransport = parts.transport();
        this.store = store;
    }

    /**
     * A builder on a client the caller owns (and closes). For a Pub/Sub bus to pause reading while
     * its handlers catch up, build the client's {@code ClientResources} with
     * {@link HeraldNetty#customizer()} (see "Slow handlers" above).
     *
     * @param client the Lettuce client, for example {@code RedisClient.create("redis://localhost:6379")}
     * @return a new builder
     */
    public static Builder builder(RedisClient client) {
        Objects.requireNonNull(client, "client");
        return new Builder(description -> RedisEndpoint.shared(client, description));
    }

    /**
     * A builder on a Redis Cluster client the caller owns (and closes): the bus works on the
     * cluster, in either mode, with the same API (see "Redis Cluster" above). Enable Lettuce's
     * topology refresh on the client ({@code ClusterClientOptions.topologyRefreshOptions}) so that
     * its own commands follow a failover or resharding quickly; Herald asks for a refresh itself
     * whenever it sees one.
     *
     * @param cluster the Lettuce cluster client, for example {@code RedisClusterClient.create("redis://node1:7000")}
     * @return a new builder
     */
    public static Builder builder(RedisClusterClient cluster) {
        Objects.requireNonNull(cluster, "cluster");
        return new Builder(description -> RedisEndpoint.shared(cluster, description));
    }

    /**
     * A builder on a client the bus makes from a URI and shuts down with it. The URI is checked
     * at once ({@link RedisTarget#parse}); the client is made by {@link Builder#build()}, one per
     * bus, and shut down again if {@code build()} fails.
     *
     * @param uri for example {@code "redis://localhost:6379"}, {@code "rediss://user:pw@host:6380/0"}, or
     *     for a Redis Cluster {@code "redis-cluster://node1:7000,node2:7000"}
     * @return a new builder
     * @throws IllegalArgumentException if the URI is not one Herald takes, naming what is wrong
     *     (an unknown option, a {@code timeout} without a unit, a database on a cluster...)
     *     and the form that would be right
     */
    public static Builder builder(String uri) {
        RedisTarget target = RedisTarget.parse(uri);
        return new Builder(description -> RedisEndpoint.owned(target.uri())); // names its URI itself
    }

    /**
     * Pub/Sub mode: events this bus's subscriber missed while disconnected or cut off, counted
     * from the publishers' sequence numbers; also after a shutdown. Reads the last known count:
     * no I/O. An event counted missed that arrives late after all is handled and taken off this
     * count. Per event type in {@code stats().missedByType()} (net), {@code missedCountedByType()}
     * and {@code lateArrivalsByType()} (totals that only rise); the builder's observer is told of
     * each gap as it is found ({@code missed}) and of each late arrival ({@code arrivedLate}).
     *
     * @return the count; 0 in Streams mode, which misses nothing
     */
    public long missedEvents() {
        return health().missedEvents();
    }

    /**
     * Streams mode: has one handler read a type's events again from a point in time, for example
     * after a bug fix. Moves only that handler's consumer group ({@code XGROUP SETID}); other
     * handlers and services are untouched. Events older than the stream's retention are gone.
     *
     * @param eventType the type
     * @param handlerName the handler's name (see {@link dev.herald.Subscription#handlerName()})
     * @param from the time to read from; {@link Instant#EPOCH} for everything the stream holds
     * @throws UnsupportedOperationException in Pub/Sub mode, which keeps nothing to replay
     */
    public void replayFrom(String eventType, String handlerName, Instant from) {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(handlerName, "handlerName");
        Objects.requireNonNull(from, "from");
        if (!(redisTransport instanceof RedisStreamsTransport streams)) {
            throw new UnsupportedOperationException("replay needs Mode.STREAMS: Redis Pub/Sub keeps no events to replay");
        }
        streams.replayFrom(eventType, handlerName, from);
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(E event, Metadata metadata) {
        return bus.publish(event, metadata);
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(String eventType, E event, Metadata metadata) {
        return bus.publish(eventType, event, metadata);
    }

    @Override
    public <E> Subscription subscribe(Class<E> eventClass, SubscriptionOptions options, EventHandler<E> handler) {
        return bus.subscribe(eventClass, options, handler);
    }

    @Override
    public Subscription subscribe(String eventType, SubscriptionOptions options, EventHandler<Object> handler) {
        return bus.subscribe(eventType, options, handler);
    }

    @Override
    public void start() {
        bus.start();
        store.connectAhead();
    }

    @Override
    public ShutdownReport shutdown() {
        return bus.shutdown();
    }

    @Override
    public ShutdownReport shutdown(Duration timeout) {
        return bus.shutdown(timeout);
    }

    @Override
    public DeadLetterQueue deadLetters() {
        return bus.deadLetters();
    }

    @Override
    public BusState state() {
        return bus.state();
    }

    @Override
    public Health health() {
        return bus.health();
    }

    @Override
    public BusStats stats() {
        return bus.stats();
    }

    @Override
    public String toString() {
        return bus.toString();
    }

    private record Parts(BusSettings settings, Transport transport, RedisDeadLetterStore store,
            RedisEndpoint endpoint) {

        /** Closes what was made for a bus that could not be built. */
        void release() {
            transport.close(Duration.ZERO);
            store.close();
            endpoint.shutdown();
        }
    }

    /**
     * Builds {@link RedisEventBus}es: the common options plus Redis ones. Options named "Streams
     * mode" or "Pub/Sub mode" apply to that mode only, and {@link #build()} refuses one set on a
     * bus of the other mode. Not thread-safe.
     */
    public static final class Builder extends EventBusBuilder<Builder> {

        /** Default {@link #prefix(String)}. */
        public static final String DEFAULT_PREFIX = "herald";
        /** Default {@link #deadLetterRetention(long)}: about 100,000 entries. */
        public static final long DEFAULT_DEAD_LETTER_RETENTION = 100_000;
        /** Default {@link #streamRetention(long)}: about 1,000,000 entries per stream. */
        public static final long DEFAULT_STREAM_RETENTION = 1_000_000;
        /** Default {@link #visibilityTimeout(Duration)}: 30 seconds. */
        public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
        /** Default {@link #deliveryLimit(int)}: 5. */
        public static final int DEFAULT_DELIVERY_LIMIT = 5;
        /** Default {@link #heartbeat(Duration, Duration)} interval. */
        public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
        /** Default {@link #heartbeat(Duration, Duration)} timeout. */
        public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(6);

        /** Makes the bus's endpoint: a client of Herald's own is made only once {@link #build()} needs it. */
        private final Function<@Nullable String, RedisEndpoint> endpoints;
        private @Nullable String clientDescription;
        private Mode mode = Mode.PUBSUB;
        private String prefix = DEFAULT_PREFIX;
        private long deadLetterRetention = DEFAULT_DEAD_LETTER_RETENTION;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;
        private int bufferMessages = 100_000;
        private long bufferBytes = 32L * 1024 * 1024;
        private long streamRetention = DEFAULT_STREAM_RETENTION;
        private Duration visibilityTimeout = DEFAULT_VISIBILITY_TIMEOUT;
        private int deliveryLimit = DEFAULT_DELIVERY_LIMIT;
        private int readBatch = 100;
        private String startFrom = "$";
        private int publishReplicas;
        private Duration publishReplicasTimeout = Duration.ZERO;
        /** The mode-specific options set, each with the mode it applies to: {@link #build()} refuses the others. */
        private final Map<String, Mode> modeOptions = new LinkedHashMap<>();

        private Builder(Function<@Nullable String, RedisEndpoint> endpoints) {
            this.endpoints = endpoints;
        }

        /**
         * How log and error messages name the Redis of a client given to {@link #builder(RedisClient)}
         * or {@link #builder(RedisClusterClient)}, which Lettuce does not tell: without it they say
         * "the Redis of the given RedisClient" until a connection has been made. A builder on a URI
         * names its URI itself and ignores this.
         *
         * @param description for example {@code redis://cache-1:6379}; never a password
         * @return this builder
         */
        public Builder clientDescription(String description) {
            Objects.requireNonNull(description, "description");
            if (description.isBlank()) {
                throw new IllegalArgumentException("clientDescription must not be blank");
            }
            this.clientDescription = description;
            return this;
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
         * Pub/Sub mode: how often the bus sends a heartbeat through its subscription, and after how long
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
            modeOptions.put("heartbeat", Mode.PUBSUB);
            return this;
        }

        /**
         * Pub/Sub mode: the bounds of the buffer between Redis and the handlers' queues: near either (2 MiB
         * or 20,000 events before it, or half way for a smaller buffer), the bus stops reading
         * from Redis until handlers catch up (see the class documentation).
         * A read already under way when reading stops still brings up to about 1 MB, so keep
         * the byte bound at a few MB at least, or events arriving into a full buffer are
         * discarded (and counted).
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
            modeOptions.put("subscriberBuffer", Mode.PUBSUB);
            return this;
        }

        /**
         * Streams mode: about how many entries each stream keeps ({@code XADD ... MAXLEN ~}).
         * Entries a slow group has not read yet are trimmed too when a stream passes it (the bus
         * warns, and reports itself unhealthy, when a group's lag nears it): size it for the
         * longest backlog you expect, at about the event size each in Redis's memory.
         *
         * @param entries at least 1000; default 1,000,000
         * @return this builder
         */
        public Builder streamRetention(long entries) {
            if (entries < 1000) {
                throw new IllegalArgumentException("streamRetention must be >= 1000 entries but was " + entries);
            }
            this.streamRetention = entries;
            modeOptions.put("streamRetention", Mode.STREAMS);
            return this;
        }

        /**
         * Streams mode: how long an entry may stay pending with a consumer before another
         * instance takes it over, taking that consumer for dead (an instance never takes again
         * the entries it holds, queued or running). Longer than an entry may wait in a handler's
         * queue plus your slowest handler's run (retries included), or another running instance
         * takes live work over and it is handled twice.
         *
         * @param timeout at least 10 ms; default 30 s
         * @return this builder
         */
        public Builder visibilityTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 10) {
                throw new IllegalArgumentException("visibilityTimeout must be at least 10 ms but was " + timeout);
            }
            this.visibilityTimeout = timeout;
            modeOptions.put("visibilityTimeout", Mode.STREAMS);
            return this;
        }

        /**
         * Streams mode: how many times an entry's handler may be started without finishing it
         * (its consumer crashed or stopped meanwhile) before the entry is dead-lettered without
         * another try. Only starts count: entries read along with a poison entry but never handed
         * to the handler before their consumer died are handled normally once it is
         * dead-lettered. One imprecision remains, from Redis counting a first read as a delivery:
         * an entry read by a consumer that died before starting it counts one start too many.
         *
         * @param deliveries at least 1; default 5
         * @return this builder
         */
        public Builder deliveryLimit(int deliveries) {
            if (deliveries < 1) {
                throw new IllegalArgumentException("deliveryLimit must be >= 1 but was " + deliveries);
            }
            this.deliveryLimit = deliveries;
            modeOptions.put("deliveryLimit", Mode.STREAMS);
            return this;
        }

        /**
         * Streams mode: how many entries one read takes ({@code XREADGROUP COUNT}). Under sustained
         * load above ~100,000 events/s per handler, 100 falls behind on a 2-core machine and 500
         * keeps up; entries read stay pending until handled, so a larger batch also leaves more for
         * another instance to take over after a crash.
         *
         * @param entries from 1 to 10,000; default 100
         * @return this builder
         */
        public Builder readBatch(int entries) {
            if (entries < 1 || entries > 10_000) {
                throw new IllegalArgumentException("readBatch must be between 1 and 10000 but was " + entries);
            }
            this.readBatch = entries;
            modeOptions.put("readBatch", Mode.STREAMS);
            return this;
        }

        /**
         * Streams mode: where a handler's consumer group starts when it is created. Default: new
         * events only; {@code Instant.EPOCH}: everything the stream holds. An existing group
         * keeps its place (see {@link RedisEventBus#replayFrom}).
         *
         * @param from the time of the first event to read
         * @return this builder
         */
        public Builder startFrom(Instant from) {
            Objects.requireNonNull(from, "from");
            this.startFrom = from.toEpochMilli() <= 0 ? "0" : (from.toEpochMilli() - 1) + "-" + Long.MAX_VALUE;
            modeOptions.put("startFrom", Mode.STREAMS);
            return this;
        }

        /**
         * Streams mode: a publish completes only once at least {@code replicas} replicas of the
         * master that took it acknowledged it ({@code WAIT}, after each publish batch: one per
         * master at a time, covering every publish that master answered meanwhile); otherwise it
         * fails with a {@link RedisPublishException} naming how many replicas acknowledged, how
         * many were asked for, and the master. Off by default.
         *
         * <p>The trade-off: Redis replicates asynchronously, so an entry a master acknowledged
         * and then lost by dying before replicating it is gone, even though its publish
         * completed; the replica promoted in its place never had it. Waiting for replicas makes
         * that unlikely, not impossible ({@code WAIT} is not a consensus: a replica that
         * acknowledged may itself be lost, or not be the one promoted), at the cost of a round trip
         * from the master to its replicas per batch, and of failed publishes while a master has
         * fewer replicas than asked for (after a failover, until a replica is attached again);
         * herald-bench measures that cost (docs/BENCHMARKS.md). Works on one server with
         * replicas (Sentinel, say) as on a Redis Cluster, where it waits on each master for its
         * own replicas.
         *
         * <p>{@code WAIT} holds its connection on the server: the publishes sent behind it wait
         * up to {@code timeout} before Redis runs them, within the publish timeout, which must
         * therefore be longer ({@link #build()} refuses {@code timeout >= publishTimeout}). A
         * publish then takes at most the publish timeout to be accepted, plus twice
         * {@code timeout} for its replicas (a {@code WAIT} already in flight for earlier
         * publishes, then its own): {@code publishTimeout + 2 × timeout} while its master
         * answers. A master that stops answering fails it later: a {@code WAIT} unanswered for
         * {@code timeout + publishTimeout} is given up.
         *
         * @param replicas how many replicas must acknowledge each publish, at least 1
         * @param timeout how long a publish waits for them, at least 1 ms (in whole milliseconds,
         *     as {@code WAIT} takes it), and shorter than the publish timeout
         * @return this builder
         */
        public Builder publishReplicas(int replicas, Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (replicas < 1) {
                throw new IllegalArgumentException("publishReplicas replicas must be >= 1 but was " + replicas
                        + " (to publish without waiting for replicas, leave publishReplicas unset)");
            }
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("publishReplicas timeout must be at least 1 ms but was " + timeout
                        + " (WAIT takes whole milliseconds, and 0 would wait forever)");
            }
            this.publishReplicas = replicas;
            this.publishReplicasTimeout = timeout;
            modeOptions.put("publishReplicas", Mode.STREAMS);
            return this;
        }

        /** Refuses an option of the other mode, which would be silently ignored. */
        private void requireOptionsOfMode() {
            modeOptions.forEach((option, appliesTo) -> {
                if (appliesTo != mode) {
                    throw new IllegalStateException(option + " applies to Mode." + appliesTo + " only, but this bus is Mode."
                            + mode + ", which would ignore it: remove " + option + "(...), or choose mode(Mode." + appliesTo
                            + ")");
                }
            });
        }

        /** The bus's parts, checked first: the client a URI names is made only once nothing can refuse the options. */
        private Parts parts() {
            requireOptionsOfMode();
            SupportedLettuce.require();
            BusSettings settings = settings();
            requireReplicaTimeoutBelow(settings.publishTimeout());
            RedisEndpoint endpoint = endpoints.apply(clientDescription);
            Transport transport = null;
            try {
                transport = transport(settings, endpoint);
                RedisDeadLetterStore store = new RedisDeadLetterStore(endpoint, RedisKeys.deadLetters(prefix), deadLetterRetention,
                        settings.publishTimeout());
                return new Parts(settings, transport, store, endpoint);
            } catch (RuntimeException | Error e) {
                if (transport != null) {
                    transport.close(Duration.ZERO);
                }
                endpoint.shutdown();
                throw e;
            }
        }

        /**
         * Publishes pipelined behind a {@code WAIT} wait on the server as long as it: with a
         * {@code WAIT} timeout of at least the publish timeout they would fail as not accepted in
         * time, though Redis runs them afterwards.
         */
        private void requireReplicaTimeoutBelow(Duration publishTimeout) {
            if (publishReplicas > 0 && publishReplicasTimeout.compareTo(publishTimeout) >= 0) {
                throw new IllegalArgumentException("publishReplicas timeout of " + publishReplicasTimeout
                        + " must be shorter than the publish timeout of " + publishTimeout + ": WAIT holds its connection"
                        + " on the server, so publishes sent behind it would wait past the publish timeout and fail though"
                        + " Redis runs them later; lower the publishReplicas timeout below " + publishTimeout
                        + " (to " + publishTimeout.dividedBy(2) + ", say) or raise publishTimeout(...) above "
                        + publishReplicasTimeout);
            }
        }

        private Transport transport(BusSettings settings, RedisEndpoint endpoint) {
            if (mode == Mode.STREAMS) {
                return new RedisStreamsTransport(endpoint, new RedisStreamsTransport.Options(prefix, settings.source(),
                        settings.instanceId(), settings.publishTimeout(), streamRetention, readBatch,
                        Duration.ofMillis(200), visibilityTimeout, deliveryLimit, startFrom, publishReplicas,
                        publishReplicasTimeout, settings.threadFactory()));
            }
            PubSubOptions options = new PubSubOptions(prefix, settings.source(),
                    settings.instanceId(), settings.clock(), settings.publishTimeout(), heartbeatInterval, heartbeatTimeout,
                    bufferMessages, bufferBytes, settings.threadFactory(), settings.observer());
            return endpoint.isCluster() ? new ShardedPubSubTransport(endpoint, options) : new RedisPubSubTransport(endpoint, options);
        }

        /**
         * Builds the bus.
         *
         * @return the bus, not started
         * @throws IllegalStateException if an option of the other mode was set (the Streams
         *     options {@code streamRetention}, {@code visibilityTimeout}, {@code deliveryLimit},
         *     {@code readBatch}, {@code startFrom} and {@code publishReplicas} on a Pub/Sub bus; {@code heartbeat} or
         *     {@code subscriberBuffer} on a Streams bus), naming it; or if the Lettuce (below 6.6) or Jackson (below 2.15) on the
         *     class path is older than Herald supports, naming the version found
         * @throws IllegalArgumentException for a Pub/Sub bus on a Redis Cluster whose instance id has
         *     '{' or '}' (its heartbeats would hash to other slots than their channels); or if the
         *     {@code publishReplicas} timeout is not shorter than the publish timeout, naming both
         */
        @Override
        public RedisEventBus build() {
            Parts parts = parts();
            try {
                return new RedisEventBus(parts);
            } catch (RuntimeException | Error e) {
                parts.release();
                throw e;
            }
        }
    }
}
