package dev.herald.redis.internal.streams;

import dev.herald.ConsumerGroupHealth;
import dev.herald.internal.bus.BusThreads;
import dev.herald.redis.RedisKeys;
import dev.herald.redis.StreamsHealth;
import dev.herald.redis.internal.CommandConnections;
import dev.herald.redis.internal.EventLoops;
import dev.herald.redis.internal.KeysByType;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.ReliableSender;
import dev.herald.spi.Delivery;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Streams: one stream per event type ({@code <prefix>:stream:<type>}), trimmed with
 * {@code MAXLEN ~}; one consumer group per handler, named {@code <source>:<handler>}, so the
 * instances of one service share a handler's work and one handler's retries never re-run another;
 * consumer name = the bus's instance id. Each subscription has its own reader thread and
 * connection ({@code XREADGROUP ... BLOCK} holds a connection), which pulls only as fast as the
 * handler's queue takes: a backlog waits in Redis, not in memory. An entry is acknowledged only
 * once it was handled or dead-lettered. Entries left pending by another consumer that died are
 * claimed after the visibility timeout ({@link ClaimedEntries}); never those this consumer holds
 * ({@link InHand}: they may still wait in its handler's queue), only its own that were lost on the
 * way (a read's reply or an acknowledgement lost with a connection); what an earlier run under the
 * same instance id left is taken back once, when a handler's reader starts. An entry whose handler
 * was started as often as the delivery limit without finishing is dead-lettered without another try:
 * only starts count, so a poison entry's batch neighbours are not dead-lettered with it (see
 * {@link Entry} for the one imprecision). A start is recorded only while the entry is still this
 * consumer's: one another consumer took over while it waited in the handler's queue (an entry
 * read is checked when it waited longer than half the visibility timeout) is left to that
 * consumer, neither run nor acknowledged here. Every entry read is handed over, even after its
 * subscription was cancelled: the bus queues it, or leaves it pending and releases it, and it is
 * claimed again after the visibility timeout (by this instance too, for the same handler
 * subscribed again). A group that vanished with Redis's data is re-created from the start of what
 * the stream holds. Closing (or stopping a reader) ends its blocked read at once, so nothing is
 * read after a shutdown's report.
 *
 * <p>On a Redis Cluster every command takes one key (the stream), so Lettuce routes it to the
 * stream's master; a reader's connection goes to that master itself, and after a failover, a slot
 * migration or a master gone silent the reader finds the slot's master again by itself
 * ({@code Reader#leaveNode}). What must reach one node without a key goes on that node's connection
 * ({@link RedisConnection#nodeConnection}): {@code CLIENT UNBLOCK} of a reader, {@code WAIT} after
 * publishes ({@link ReplicaWait}).
 */
public final class RedisStreamsTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(RedisStreamsTransport.class);
    private static final String FIELD = RedisKeys.STREAM_FIELD;
    private static final byte[] FIELD_BYTES = FIELD.getBytes(StandardCharsets.UTF_8);
    private static final List<String> OTHER_FIELDS = List.of("data", "payload", "message", "body", "value", "json");
    /** How often {@link #probe()} asks Redis whether it answers. */
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    /** A probe unanswered for longer makes the transport unhealthy. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /**
     * Options of the transport.
     *
     * @param prefix key prefix
     * @param source names the groups
     * @param instanceId the consumer name
     * @param publishTimeout how long a publish may wait
     * @param retention approximate MAXLEN of each stream
     * @param batch entries per read
     * @param block how long a read waits for entries
     * @param visibilityTimeout idle time after which another consumer's pending entry is claimed
     * @param deliveryLimit handler starts after which an unfinished entry is dead-lettered
     * @param startFrom where a new group starts: {@code $} (new events only), {@code 0}, or an entry id
     * @param publishReplicas how many replicas must acknowledge a publish before it completes
     *     ({@link ReplicaWait}); 0 for none
     * @param replicaTimeout how long a publish waits for them; ignored without {@code publishReplicas}
     * @param threadFactory where the reader and timer threads come from, the bus's
     */
    public record Options(String prefix, String source, String instanceId, Duration publishTimeout, long retention,
            int batch, Duration block, Duration visibilityTimeout, int deliveryLimit, String startFrom,
            int publishReplicas, Duration replicaTimeout, ThreadFactory threadFactory) {
    }

    /**
     * On a cluster, how much longer than its block time a read may go unanswered before the
     * reader takes its node for gone (a failover, a partition) and finds the stream's master again.
     */
    private static final Duration SILENT_NODE_MARGIN = Duration.ofSeconds(2);

    /**
     * On a cluster, the longest a synchronous command on the commands connection waits (a
     * group's creation, a start recorded, acknowledgements confirmed), if the connection's own
     * timeout is longer: a master that died holds what was sent to it until the failover is
     * noticed, seconds later, or for good with a client that queues commands while disconnected.
     */
    private static final Duration CLUSTER_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final RedisEndpoint endpoint;
    private final Options options;
    private final ScheduledExecutorService scheduler;
    private final ReliableSender sender;
    private final EventLoops loops;
    /** The event loop of {@link #commands}, learnt from XACK replies; acknowledgements are sent from it. */
    private final ReplyLoop commandsLoop;
    private final List<Reader> readers = new CopyOnWriteArrayList<>();
    /** Per group on its stream, the entries handed over and not acknowledged; its first reader takes back what an earlier run left. */
    private final Map<StreamGroup, InHand> inHand = new ConcurrentHashMap<>();
    /** Every reader's, also of readers stopped since: their last acknowledgements are sent before closing. */
    private final List<AckBatcher> ackBatchers = new CopyOnWriteArrayList<>();
    private final StartRecorder starts;
    /** An entry read that waited in the handler's queue longer than this is checked to be still ours before it runs. */
    private final long recheckAfterNanos;
    private final LongAdder claimed = new LongAdder();
    private final LongAdder readErrors = new LongAdder();
    private final XAddArgs addArgs;
    private final KeysByType streams;
    /** Null unless publishes wait for replicas. */
    private final @Nullable ReplicaWait replicaWait;
    private volatile @Nullable String lastError;
    /** When the outstanding {@link #probe()} was sent; 0 while none is. */
    private volatile long probeSentNanos;
    /** Why the last probe failed; null if it was answered. */
    private volatile @Nullable String probeFailure;
    private volatile boolean closed;
    private @Nullable RedisConnection commands;
    /** XADD only: auto-flush off, flushed in batches by the sender. */
    private @Nullable RedisConnection publishing;
    /** Opens {@link #commands} and {@link #publishing} (on a cluster, to every master too), and closes them. */
    private volatile @Nullable CommandConnections connections;

    public RedisStreamsTransport(RedisEndpoint endpoint, Options options) {
        this.endpoint = endpoint;
        this.options = options;
        this.addArgs = XAddArgs.Builder.maxlen(options.retention()).approximateTrimming();
        this.streams = new KeysByType(type -> RedisKeys.stream(options.prefix(), type));
        this.scheduler = RedisEndpoint.scheduler(options.threadFactory(), "herald-streams-" + options.instanceId());
        this.loops = new EventLoops(endpoint.resources());
        this.commandsLoop = new ReplyLoop(loops);
        this.starts = new StartRecorder(endpoint.describe());
        this.recheckAfterNanos = options.visibilityTimeout().toNanos() / 2;
        this.sender = new ReliableSender(endpoint, options.publishTimeout(), scheduler, () -> publishing, () -> closed, loops);
        this.replicaWait = options.publishReplicas() > 0 ? new ReplicaWait(options.publishReplicas(), options.replicaTimeout(),
                options.publishTimeout(), endpoint, () -> publishing) : null;
    }

    @Override
    public TransportFeatures features() {
        return TransportFeatures.DURABLE;
    }

    /** The consumer group of a handler. */
    private static String groupOf(String source, String handlerName) {
        return source + ":" + handlerName;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start() {
        try {
            CommandConnections opened = new CommandConnections(endpoint, options.publishTimeout(), false, () -> closed);
            connections = opened;
            opened.open(c -> {
                if (endpoint.isCluster() && c.getTimeout().compareTo(CLUSTER_COMMAND_TIMEOUT) > 0) {
                    c.setTimeout(CLUSTER_COMMAND_TIMEOUT);
                }
                c.sync().ping();
            });
            commands = opened.commands();
            publishing = opened.publishing();
        } catch (RuntimeException e) {
            close(Duration.ZERO); // the connections, the topology subscription, the scheduler's thread
            throw e instanceof RedisException ? new IllegalStateException("cannot connect to " + endpoint.describe() + ": "
                    + RedisEndpoint.rootMessage(e), e) : e;
        }
        scheduler.scheduleWithFixedDelay(this::probe, 0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Void> publish(String eventType, byte[] message) {
        KeysByType.Key stream = streams.of(eventType);
        // with its key: on a cluster, a publish held for a master that died follows the slot to its successor
        ReplicaWait replicas = replicaWait;
        if (replicas == null) {
            return sender.send(stream.name(), stream.bytes(), redis -> redis.xadd(stream.bytes(), addArgs, FIELD_BYTES, message));
        }
        ReliableSender.Route route = new ReliableSender.Route();
        return sender.send(stream.name(), stream.bytes(), redis -> redis.xadd(stream.bytes(), addArgs, FIELD_BYTES, message), route)
                .thenCompose(added -> replicas.confirm(stream, route));
    }

    @Override
    public TransportSubscription subscribe(String eventType, String handlerName, DeliveryListener listener) {
        String stream = RedisKeys.stream(options.prefix(), eventType);
        String group = groupOf(options.source(), handlerName);
        RedisConnection c = requireCommands();
        try {
            createGroup(c.sync(), stream, group, options.startFrom());
        } catch (RedisException e) {
            throw new IllegalStateException("cannot create consumer group " + group + " on " + stream + " at "
                    + endpoint.describe() + ": " + RedisEndpoint.rootMessage(e), e);
        }
        InHand fresh = new InHand();
        InHand earlier = inHand.putIfAbsent(new StreamGroup(stream, group), fresh); // null: the group's first reader in this run
        Reader reader = new Reader(eventType, stream, group, listener, earlier != null ? earlier : fresh, earlier == null);
        readers.add(reader);
        reader.start();
        startLagChecks();
        return reader::stop;
    }

    private final AtomicBoolean lagChecks = new AtomicBoolean();

    /** Records each group's lag and pending entries; warns (and reports unhealthy) when a lag nears the stream's retention. */
    private void startLagChecks() {
        if (lagChecks.compareAndSet(false, true)) {
            long every = Math.max(100, options.visibilityTimeout().toMillis() / 2);
            scheduler.scheduleWithFixedDelay(() -> {
                RedisConnection c = commands;
                if (c == null || closed) {
                    return;
                }
                for (Reader r : readers) {
                    r.checkLag(c.async());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Creates the group if it is not there; true if it was created. */
    static boolean createGroup(RedisClusterCommands<byte[], byte[]> redis, String stream, String group, String from) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(bytes(stream), from), bytes(group), XGroupCreateArgs.Builder.mkstream());
            return true;
        } catch (RedisException e) {
            if (String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Moves a handler's group back (or forward) to a point in time: its events from then on are
     * delivered to that handler again; other handlers' groups are untouched.
     *
     * @param eventType the type
     * @param handlerName the handler
     * @param from the time to read from
     */
    public void replayFrom(String eventType, String handlerName, Instant from) {
        String stream = RedisKeys.stream(options.prefix(), eventType);
        String group = groupOf(options.source(), handlerName);
        String id = (from.toEpochMilli() - 1) + "-" + Long.MAX_VALUE; // just before the first entry at 'from'
        if (from.toEpochMilli() <= 0) {
            id = "0";
        }
        RedisClusterCommands<byte[], byte[]> redis = requireCommands().sync();
        if (!createGroup(redis, stream, group, id)) {
            redis.xgroupSetid(XReadArgs.StreamOffset.from(bytes(stream), id), bytes(group));
        }
        log.info("Group {} of {} will read again from {} (entry id after {})", group, stream, from, id);
    }

    private RedisConnection requireCommands() {
        RedisConnection c = commands;
        if (c == null) {
            throw new IllegalStateException("the Redis Streams transport is not started");
        }
        return c;
    }

    /**
     * A consumer group on its stream: handler names are unique within a type only, so groups of
     * one name can be read on two streams, and each is a group of its own.
     */
    private record StreamGroup(String stream, String group) {
    }

    /**
     * A reader's connection, its {@code CLIENT ID} (-1 if Redis does not tell) and, on a cluster,
     * the node it is connected to: what it takes to unblock the reader's read.
     */
    private record Reading(RedisConnection connection, long clientId, @Nullable RedisURI node) {
    }

    /** One handler's reader: claims abandoned entries, reads new ones, hands them over. */
    private final class Reader implements Runnable {
        private final String eventType;
        private final String stream;
        private final byte[] streamKey;
        private final String group;
        private final StreamGroup streamGroup;
        private final Consumer<byte[]> consumer;
        private final DeliveryListener listener;
        private final Thread thread;
        private volatile boolean running = true;
        /** The connection it reads on, with what it takes to unblock its read when it stops. */
        private volatile @Nullable Reading reading;
        private long nextClaimNanos;
        private final AckBatcher acks;
        private final InHand held;
        /** Whether this consumer's entries from an earlier run are still to be taken back. */
        private boolean takingBack;
        /** The last of them handed over, so that a retry after a Redis error hands none twice. */
        private @Nullable String takenBackUpTo;
        /** The group's lag and pending entries, as {@link #checkLag} last saw them. */
        private volatile ConsumerGroupHealth lastChecked;
        /** When the read waiting for its reply was sent; 0 while none is. */
        private volatile long readSentNanos;
        /** Since when reading fails (from the read whose reply never came, if one was sent); 0 while it works. */
        private volatile long failingSinceNanos;
        /** Why reading last failed. */
        private volatile @Nullable String readFailure;
        /** The server it reads from: on a cluster, the node it connects or connected to last. */
        private volatile String readingFrom = endpoint.describe();

        /**
         * @param takesBack whether this reader takes back what an earlier run under this instance
         *     id left pending: the first reader of its group in this transport, before anything of
         *     this run can be pending with this consumer
         */
        Reader(String eventType, String stream, String group, DeliveryListener listener, InHand held, boolean takesBack) {
            this.eventType = eventType;
            this.stream = stream;
            this.streamKey = bytes(stream);
            this.group = group;
            this.streamGroup = new StreamGroup(stream, group);
            this.consumer = Consumer.from(bytes(group), bytes(options.instanceId()));
            this.listener = listener;
            this.held = held;
            this.takingBack = takesBack;
            this.lastChecked = new ConsumerGroupHealth(eventType, group, OptionalLong.empty(), OptionalLong.empty(), false);
            this.acks = new AckBatcher(stream, group, () -> commands, commandsLoop);
            ackBatchers.add(acks);
            this.thread = BusThreads.newThread(options.threadFactory(), "herald-reader-" + group, this);
        }

        void start() {
            thread.start();
        }

        /**
         * Reads no more; does not wait. What the last read returned is still handed over (the
         * listener queues it, or parks it once the handler's queue is closed): an entry this
         * instance read is never left pending uncounted.
         */
        void stop() {
            running = false;
        }

        boolean stopped() {
            return !running;
        }

        /**
         * Waits until the stopped reader's thread ended, at most until the deadline; true if it
         * did. A read blocked in {@code XREADGROUP ... BLOCK} is ended at once ({@code CLIENT
         * UNBLOCK}, which makes it return empty; entries Redis already delivered still come and
         * are handed over), again every {@value #UNBLOCK_EVERY_MILLIS} ms in case the reader had
         * not sent it yet: nothing is read after the wait ended, so what a shutdown reports as
         * left pending is all this consumer holds.
         */
        boolean awaitEnd(long deadlineNanos) throws InterruptedException {
            for (long left = deadlineNanos - System.nanoTime(); thread.isAlive() && left > 0;
                    left = deadlineNanos - System.nanoTime()) {
                unblock(left);
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.min(left, TimeUnit.MILLISECONDS.toNanos(UNBLOCK_EVERY_MILLIS)));
            }
            return !thread.isAlive();
        }

        /**
         * Ends a blocked read of the stopped reader with {@code CLIENT UNBLOCK}, sent to the node
         * its connection is on (on a cluster, a keyless command on the commands connection would
         * go to whichever node Lettuce picks); where that is not possible (no CLIENT ID, a user
         * without the ACL category {@code @connection}, a node gone...), closes the reading
         * connection: a reply lost with it was never received, and its entries stay pending for
         * another instance.
         */
        private void unblock(long withinNanos) {
            Reading r = reading;
            if (r == null || !r.connection().isOpen()) {
                return;
            }
            RedisConnection c = commands;
            if (r.clientId() >= 0 && c != null && c.isOpen()) {
                try {
                    c.nodeConnection(r.node())
                            .thenCompose(node -> node.async().clientUnblock(r.clientId(), UnblockType.TIMEOUT))
                            .get(withinNanos, TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | TimeoutException | RedisException e) {
                    log.debug("CLIENT UNBLOCK {} for the reader of group {} failed; closing its connection", r.clientId(),
                            group, e);
                }
            }
            r.connection().closeAsync();
        }

        /**
         * Connects to the stream's server; on a cluster, to the master that owns the stream's slot
         * now, with a bound on connecting and on how long a command waits (a read, {@code BLOCK}
         * included), so that a node that went silent does not hold the reader.
         */
        private RedisConnection connect() {
            RedisURI node = null;
            RedisConnection c;
            if (endpoint.isCluster()) {
                RedisClusterNode master = endpoint.masterOf(streamKey);
                node = master.getUri();
                readingFrom = node.getHost() + ":" + node.getPort();
                Duration bound = options.block().plus(SILENT_NODE_MARGIN);
                c = RedisConnection.of(endpoint.connectToNode(master, bound));
                c.setTimeout(bound);
            } else {
                c = RedisConnection.of(endpoint.connectFor(streamKey));
            }
            reading = new Reading(c, clientId(c), node);
            return c;
        }

        /** The CLIENT ID of a reader's connection, asked once per connection; -1 if Redis does not tell. */
        private long clientId(RedisConnection connection) {
            try {
                Long id = connection.sync().clientId();
                return id != null ? id : -1;
            } catch (RedisException e) {
                log.debug("CLIENT ID failed for the reader of group {}: {}; it is stopped by closing its connection",
                        group, RedisEndpoint.rootMessage(e));
                return -1;
            }
        }

        @Override
        public void run() {
            try {
                readUntilStopped();
            } finally {
                readers.remove(this);
            }
        }

        private void readUntilStopped() {
            XReadArgs read = XReadArgs.Builder.count(options.batch()).block(options.block());
            RedisConnection connection = null;
            long backoff = 10;
            while (running) {
                try {
                    if (connection != null && !connection.isOpen()) { // closed, or (one server) reconnecting
                        connection.closeAsync();
                        connection = null;
                    }
                    if (connection == null) {
                        connection = connect();
                    }
                    RedisClusterCommands<byte[], byte[]> redis = connection.sync();
                    if (takingBack) {
                        takeBackEarlierRun(connection);
                    }
                    long now = System.nanoTime();
                    if (now >= nextClaimNanos) {
                        claim(connection);
                        nextClaimNanos = now + Math.max(TimeUnit.MILLISECONDS.toNanos(100), options.visibilityTimeout().toNanos() / 2);
                    }
                    long sent = System.nanoTime();
                    readSentNanos = sent != 0 ? sent : 1;
                    List<StreamMessage<byte[], byte[]>> batch = redis.xreadgroup(consumer, read,
                            XReadArgs.StreamOffset.lastConsumed(streamKey));
                    readSentNanos = 0;
                    failingSinceNanos = 0;
                    if (!batch.isEmpty()) {
                        String[] ids = new String[batch.size()];
                        for (int i = 0; i < ids.length; i++) {
                            ids[i] = batch.get(i).getId();
                        }
                        InHand.Batch handed = held.add(ids);
                        for (int i = 0; i < ids.length; i++) { // even after stop(): read means handed over
                            listener.onDelivery(new Entry(this, ids[i], bodyOf(batch.get(i).getBody()), 0, handed, i));
                        }
                    }
                    backoff = 10;
                } catch (RedisException e) {
                    if (!running) {
                        break;
                    }
                    readErrors.increment();
                    lastError = RedisEndpoint.rootMessage(e);
                    failing(lastError);
                    if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                        recreateGroup(Objects.requireNonNull(connection, "connection").sync()); // NOGROUP came from it
                    } else {
                        log.warn("Reading {} for group {} failed: {}; retrying in {} ms", stream, group, lastError, backoff);
                        if (endpoint.isCluster()) {
                            connection = leaveNode(connection);
                        }
                    }
                    sleep(backoff);
                    backoff = Math.min(backoff * 2, 1000);
                } catch (InterruptedException e) {
                    break;
                } catch (RuntimeException e) {
                    readErrors.increment();
                    failing(e.toString());
                    log.error("Reader of group {} on {} failed; it goes on", group, stream, e);
                    sleep(backoff);
                }
            }
            if (connection != null) {
                connection.close();
            }
        }

        /** Reading failed: it has failed since the read whose reply never came, or since now. */
        private void failing(@Nullable String why) {
            long sent = readSentNanos;
            readSentNanos = 0;
            readFailure = why;
            if (failingSinceNanos == 0) {
                long now = System.nanoTime();
                failingSinceNanos = sent != 0 ? sent : now != 0 ? now : 1;
            }
        }

        /**
         * Why this reader is down, for {@link #health()}: it has read nothing for longer than its
         * block time plus {@link #SILENT_NODE_MARGIN}, waiting for a reply or failing (a master
         * dead or frozen, a node that refuses it); null while it reads, or waits for room in its
         * handler's queue.
         */
        @Nullable String silence(long nowNanos) {
            long failing = failingSinceNanos;
            long since = failing != 0 ? failing : readSentNanos;
            if (since == 0 || !running || nowNanos - since <= options.block().plus(SILENT_NODE_MARGIN).toNanos()) {
                return null;
            }
            String why = readFailure;
            return "the reader of group " + group + " on " + stream + " has read nothing from " + readingFrom + " for "
                    + TimeUnit.NANOSECONDS.toMillis(nowNanos - since) + " ms"
                    + (failing != 0 && why != null ? " (" + why + ")" : " (no reply)");
        }

        /**
         * On a cluster, after a {@code MOVED} or {@code ASK} reply, a closed connection or a read
         * unanswered (a failover, a slot migration, a node gone): closes the connection, which does
         * not reconnect by itself, and asks for the topology again, so that the next attempt
         * connects to the slot's master as it is now. A read whose reply was lost left its entries
         * pending with this consumer and not in hand: they are claimed back after the visibility
         * timeout, on whichever master holds the stream then.
         *
         * @return null: the connection to use now
         */
        private @Nullable RedisConnection leaveNode(@Nullable RedisConnection connection) {
            endpoint.topologyMayHaveChanged();
            if (connection != null && connection.isOpen()) {
                connection.closeAsync();
            }
            return null;
        }

        /**
         * The group vanished with Redis's data (a restart without persistence, FLUSHALL, a failover
         * to an empty replica): re-created from {@code 0}, the start of what the stream holds now,
         * so that nothing Redis accepted after the loss is skipped. What the stream still holds
         * from before the loss (if it outlived the group) is delivered again.
         */
        private void recreateGroup(RedisClusterCommands<byte[], byte[]> redis) {
            try {
                if (createGroup(redis, stream, group, "0")) {
                    log.warn("Consumer group {} of {} was gone: Redis lost its data (restarted without persistence, FLUSHALL, "
                            + "or a failover to an empty replica?). Re-created it from the start of the stream ({} entries now), "
                            + "so nothing published since the loss is skipped; entries still in the stream may be delivered "
                            + "again", group, stream, redis.xlen(streamKey));
                }
            } catch (RedisException again) {
                log.debug("Re-creating group {} of {} failed; retrying", group, stream, again);
            }
        }

        private void sleep(long millis) {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
            } catch (InterruptedException e) {
                running = false;
            }
        }

        /**
         * Takes over entries pending longer than the visibility timeout, a page of
         * {@code readBatch} pending entries at a time: those another, stopped or dead, consumer
         * left, and those of this consumer it does not hold ({@link InHand}), lost on the way (the
         * reply to a read, or an acknowledgement, lost with a connection); never those it holds,
         * which may still wait in the handler's queue behind a slow handler (taking them would
         * hand them over twice). Claimed without bodies, which leaves each
         * entry's delivery counter as it was: a claim is not a start of the handler (a consumer
         * that died on a poison entry also left its batch neighbours pending, never started). The
         * counter goes up only when the handler starts on the entry ({@link Entry#handlerStarting}).
         */
        private void claim(RedisConnection connection) throws InterruptedException {
            String after = null;
            do {
                ClaimedEntries.Page page = ClaimedEntries.abandoned(connection, streamKey, consumer,
                        options.visibilityTimeout(), after, options.batch(), held, this::awaitAcks);
                if (!page.entries().isEmpty()) {
                    claimed.add(page.entries().size());
                    log.info("Claimed {} entr(ies) of {} for group {}, left pending by a stopped consumer (or by this one, "
                            + "a read's reply or an acknowledgement lost with a connection)", page.entries().size(), stream, group);
                }
                handOver(page.entries());
                after = page.next();
            } while (running && after != null);
        }

        /**
         * Takes back, once, what an earlier run of this instance (the same instance id, so the
         * same consumer) read and did not finish: nothing of this run is pending with this
         * consumer yet, and no other consumer claims them before the visibility timeout.
         */
        private void takeBackEarlierRun(RedisConnection connection) throws InterruptedException {
            while (running && takingBack) {
                ClaimedEntries.Page page = ClaimedEntries.leftByEarlierRun(connection, streamKey, consumer, takenBackUpTo,
                        options.batch());
                if (!page.entries().isEmpty()) {
                    claimed.add(page.entries().size());
                    log.info("Took back {} entr(ies) of {} for group {} that an earlier run of this instance ({}) read "
                            + "and did not finish", page.entries().size(), stream, group, options.instanceId());
                }
                handOver(page.entries());
                takenBackUpTo = page.next();
                takingBack = page.next() != null;
            }
        }

        /**
         * Hands over entries taken from the pending list, each with its delivery counter; one no
         * longer in the stream is acknowledged.
         */
        private void handOver(List<ClaimedEntries.Entry> entries) throws InterruptedException {
            if (entries.isEmpty()) {
                return;
            }
            InHand.Batch handed = held.add(entries.stream().map(ClaimedEntries.Entry::id).toArray(String[]::new));
            for (int i = 0; i < entries.size(); i++) {
                ClaimedEntries.Entry entry = entries.get(i);
                Map<byte[], byte[]> fields = entry.fields();
                if (fields == null) {
                    log.warn("Entry {} of {} was pending in group {} but is no longer in the stream (trimmed by the "
                            + "retention, or deleted) before it was handled; acknowledged", entry.id(), stream, group);
                    acks.ack(entry.id());
                    handed.done(i);
                } else {
                    int started = (int) Math.min(Integer.MAX_VALUE, entry.deliveries());
                    listener.onDelivery(new Entry(this, entry.id(), bodyOf(fields), started, handed, i));
                }
            }
        }

        /**
         * Returns once every acknowledgement asked for so far was carried out by Redis: they go out
         * on the commands connection, whose replies come in order, and a command on the stream's key
         * follows them to the same master ({@link AckBatcher#flushAndConfirm}).
         */
        private void awaitAcks() {
            RedisConnection c = requireCommands();
            try {
                acks.flushAndConfirm().get(c.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisCommandInterruptedException(e);
            } catch (TimeoutException e) {
                throw new RedisCommandTimeoutException("no answer within " + c.getTimeout() + " to the acknowledgements of "
                        + stream + " for group " + group);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RedisException re ? re : new RedisException(e.getCause());
            }
        }

        /**
         * Records that the handler starts on an entry, if it is still this consumer's: its
         * delivery counter becomes {@code count} ({@link StartRecorder}). Synchronous, so that
         * the start counts even if the process dies in the handler.
         *
         * @return false if another consumer took the entry over since it was handed over (or it
         *     was acknowledged): not to be run nor acknowledged here; true otherwise, also when
         *     Redis could not be asked (the start then does not count)
         */
        boolean recordStart(String id, int count) {
            RedisConnection c = commands;
            if (c == null) {
                return true;
            }
            try {
                if (starts.record(c, streamKey, consumer, id, count)) {
                    return true;
                }
                log.info("Entry {} of {} for group {} was taken over by another consumer while it waited in the "
                        + "handler's queue; left to that consumer", id, stream, group);
                return false;
            } catch (RedisException e) {
                if (e instanceof RedisCommandInterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("Could not record start {} of the handler on entry {} of {} for group {}: {}; "
                        + "this start does not count towards the delivery limit", count, id, stream, group,
                        RedisEndpoint.rootMessage(e));
                return true;
            }
        }

        /**
         * Records its group's lag and pending entries ({@code XINFO GROUPS}), and warns (the bus
         * reports itself unhealthy) while the lag nears the stream's retention. On the transport's
         * scheduler: the reader itself may be waiting for room in a full queue.
         */
        void checkLag(RedisClusterAsyncCommands<byte[], byte[]> redis) {
            try {
                // never waits long: this thread also schedules publish retries
                for (Object info : redis.xinfoGroups(streamKey).get(1, TimeUnit.SECONDS)) {
                    if (!(info instanceof List<?> fields)) {
                        continue;
                    }
                    Map<String, Object> map = new HashMap<>();
                    for (int i = 0; i + 1 < fields.size(); i += 2) {
                        Object k = fields.get(i);
                        map.put(k instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(k), fields.get(i + 1));
                    }
                    Object name = map.get("name");
                    String groupName = name instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(name);
                    if (groupName.equals(group)) {
                        checked(map.get("lag") instanceof Long lag ? OptionalLong.of(lag) : OptionalLong.empty(), // none before Redis 7
                                map.get("pending") instanceof Long pending ? OptionalLong.of(pending) : OptionalLong.empty());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RedisException e) {
                log.debug("XINFO GROUPS {} failed", stream, e);
            }
        }

        private void checked(OptionalLong lag, OptionalLong pending) {
            boolean wasLagging = lastChecked.lagging();
            boolean lagging = lag.isPresent() ? lag.getAsLong() > options.retention() * 8 / 10 : wasLagging;
            if (lagging && !wasLagging) {
                log.warn("Group {} of {} is {} entries behind, near the retention of ~{}: entries it has not read "
                        + "will be trimmed away; add consumers or raise the retention", group, stream, lag.getAsLong(),
                        options.retention());
            } else if (!lagging && wasLagging) {
                log.info("Group {} of {} has caught up ({} entries behind)", group, stream, lag.getAsLong());
            }
            lastChecked = new ConsumerGroupHealth(eventType, group, lag, pending, lagging);
        }
    }

    /**
     * One stream entry handed to one handler. Its delivery counter in Redis counts the handler's
     * starts: {@code XREADGROUP} counts a first read as one (no extra command on that path),
     * and a claimed entry counts one more only when the handler starts on it again. So a dead
     * letter's {@code attempts} is the number of times the handler was started on the entry,
     * with one imprecision that Redis leaves: an entry read by a consumer that died before
     * starting it (a poison entry's batch neighbour, the first time) counts one start too many.
     */
    private final class Entry implements Delivery {
        private final Reader reader;
        private final String id;
        private final byte[] body;
        private final int started;
        private final InHand.Batch handed;
        private final int index;

        /**
         * @param started the handler starts Redis recorded for it before: its delivery counter
         *     for an entry taken from the pending list; 0 for a first read, which {@code XREADGROUP}
         *     counts itself
         * @param handed the read (or page) it came in, holding it in hand until acknowledged
         * @param index its place there
         */
        Entry(Reader reader, String id, byte[] body, int started, InHand.Batch handed, int index) {
            this.reader = reader;
            this.id = id;
            this.body = body;
            this.started = started;
            this.handed = handed;
            this.index = index;
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public int deliveryCount() {
            return started + 1;
        }

        @Override
        public boolean overDeliveryLimit() {
            return started >= options.deliveryLimit();
        }

        /**
         * An entry taken from the pending list has its start recorded, if still ours; an entry
         * read (whose start {@code XREADGROUP} counted) is checked only when it waited in the
         * handler's queue longer than half the visibility timeout: another consumer may have
         * claimed it meanwhile. That check also restarts its idle time, which leaves the handler
         * a whole visibility timeout before another consumer may claim it; a handler that runs
         * longer than that is the visibility timeout's known limit (the entry is handled twice).
         */
        @Override
        public boolean handlerStarting() {
            if (started == 0 && handed.waitedNanos(System.nanoTime()) <= recheckAfterNanos) {
                return true; // the usual path: no Redis command
            }
            if (reader.recordStart(id, started + 1)) {
                return true;
            }
            handed.done(index); // another consumer's now: not in hand here
            return false;
        }

        /** Left for redelivery: no longer in hand, so a reader of this instance claims it again after the visibility timeout. */
        @Override
        public void release() {
            handed.done(index);
        }

        @Override
        public void ack() {
            reader.acks.ack(id);
            handed.done(index); // after the acknowledgement was asked for: see ClaimedEntries.abandoned
        }

        @Override
        public boolean redeliverable() {
            return true;
        }
    }

    /** The event in an entry: the field {@code event}, or the only field, or a usual name; else empty (undecodable). */
    static byte[] bodyOf(Map<byte[], byte[]> fields) {
        if (fields.size() == 1) {
            return fields.values().iterator().next();
        }
        Map<String, byte[]> named = new HashMap<>();
        fields.forEach((k, v) -> named.put(new String(k, StandardCharsets.UTF_8), v));
        byte[] body = named.get(FIELD);
        for (int i = 0; body == null && i < OTHER_FIELDS.size(); i++) {
            body = named.get(OTHER_FIELDS.get(i));
        }
        return body != null ? body : new byte[0];
    }

    @Override
    public StreamsHealth health() {
        Map<StreamGroup, ConsumerGroupHealth> groups = new LinkedHashMap<>();
        for (Reader r : readers) {
            groups.putIfAbsent(r.streamGroup, r.lastChecked); // readers of one group see the same
        }
        List<String> lagging = groups.entrySet().stream().filter(g -> g.getValue().lagging())
                .map(g -> g.getKey().group() + " of " + g.getKey().stream()).sorted().toList();
        long now = System.nanoTime();
        List<String> silent = readers.stream().map(r -> r.silence(now)).filter(Objects::nonNull).map(String::valueOf)
                .sorted().toList();
        String readersDown = silent.isEmpty() ? "" : "; " + String.join("; ", silent);
        String detail;
        boolean up = false;
        RedisConnection c = commands;
        long sent = probeSentNanos;
        String failure = probeFailure;
        if (closed) {
            detail = "closed";
        } else if (c == null || !c.isOpen()) {
            detail = "not connected to " + endpoint.describe() + readersDown;
        } else if (sent != 0 && now - sent > PROBE_TIMEOUT.toNanos()) {
            detail = "Redis at " + endpoint.describe() + " does not answer: no reply to PING for "
                    + TimeUnit.NANOSECONDS.toMillis(now - sent) + " ms" + readersDown;
        } else if (failure != null) {
            detail = "Redis at " + endpoint.describe() + " does not answer: " + failure + readersDown;
        } else if (!silent.isEmpty()) {
            detail = String.join("; ", silent);
        } else if (!lagging.isEmpty()) {
            detail = (lagging.size() == 1 ? "group " + lagging.get(0) + " lags" : "groups " + String.join(", ", lagging) + " lag")
                    + " near the stream retention: unread entries may be trimmed";
        } else {
            up = true;
            detail = "connected to " + endpoint.describe() + " (streams)";
        }
        return new StreamsHealth(up, detail, claimed.sum(), readErrors.sum(), sender.retries(), readers.size(),
                List.copyOf(groups.values()));
    }

    /** Asks Redis whether it answers, one PING at a time, for {@link #health()} to read the outcome without I/O. */
    private void probe() {
        RedisConnection c = commands;
        if (c == null || closed || probeSentNanos != 0) {
            return;
        }
        long sent = System.nanoTime();
        probeSentNanos = sent != 0 ? sent : 1;
        c.async().ping().whenComplete((pong, failure) -> {
            probeFailure = failure != null ? RedisEndpoint.rootMessage(failure) : null;
            probeSentNanos = 0;
        });
    }

    /** Waits until the stopped readers handed over everything they read (the listener queues or parks it). */
    @Override
    public void awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Reader r : readers) {
            if (r.stopped()) {
                r.awaitEnd(deadline);
            }
        }
    }

    /** How often a stopping reader's blocked read is unblocked again, in case it was not blocked yet the time before. */
    private static final long UNBLOCK_EVERY_MILLIS = 50;

    /** Of a close's time, what is kept for confirming the last acknowledgements (at most half of it). */
    private static final Duration ACK_RESERVE = Duration.ofMillis(100);

    @Override
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        List<Reader> stopping = List.copyOf(readers);
        stopping.forEach(Reader::stop);
        // one deadline for readers and acknowledgements: their blocked reads are ended at once;
        // a reader blocked in a connect (Redis down) is not waited for past it
        long end = System.nanoTime() + timeout.toNanos();
        long readersDeadline = end - Math.min(timeout.toNanos() / 2, ACK_RESERVE.toNanos());
        try {
            for (Reader r : stopping) {
                if (!r.awaitEnd(readersDeadline)) {
                    log.warn("The reader of group {} on {} did not stop in time; what it still reads stays pending", r.group, r.stream);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        RedisConnection c = commands;
        if (c != null) {
            // per stream, a command behind its acknowledgements: once answered, they are done
            CompletableFuture<?>[] confirmed = ackBatchers.stream().map(AckBatcher::flushAndConfirm)
                    .toArray(CompletableFuture<?>[]::new);
            try {
                CompletableFuture.allOf(confirmed).get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.warn("Could not confirm the last acknowledgements on {}: their entries stay pending and are redelivered",
                        endpoint.describe());
            }
        } else {
            ackBatchers.forEach(AckBatcher::flush);
        }
        CommandConnections opened = connections;
        if (opened != null) {
            opened.close();
        }
        loops.release();
    }

    @Override
    public String toString() {
        return "redis-streams " + endpoint.describe();
    }
}
