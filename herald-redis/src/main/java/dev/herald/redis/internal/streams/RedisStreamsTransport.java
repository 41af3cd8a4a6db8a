package dev.herald.redis.internal.streams;

import dev.herald.redis.RedisKeys;
import dev.herald.redis.StreamsHealth;
import dev.herald.redis.internal.CommandConnections;
import dev.herald.redis.internal.DeploymentChecks;
import dev.herald.redis.internal.EventLoops;
import dev.herald.redis.internal.KeysByType;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.ReliableSender;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import io.lettuce.core.RedisException;
import io.lettuce.core.XAddArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * {@link StreamEntry} for the one imprecision). A start is recorded only while the entry is still this
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
 * ({@link StreamReader}). What must reach one node without a key goes on that node's connection
 * ({@link RedisConnection#nodeConnection}): {@code CLIENT UNBLOCK} of a reader, {@code WAIT} after
 * publishes ({@link ReplicaWait}).
 */
public final class RedisStreamsTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(RedisStreamsTransport.class);
    private static final byte[] FIELD_BYTES = RedisKeys.STREAM_FIELD.getBytes(StandardCharsets.UTF_8);

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
    private final List<StreamReader> readers = new CopyOnWriteArrayList<>();
    /** Per group on its stream, the entries handed over and not acknowledged; its first reader takes back what an earlier run left. */
    private final Map<StreamGroup, InHand> inHand = new ConcurrentHashMap<>();
    /** Per group on its stream, its lag, sampled once for all its readers. */
    private final Map<StreamGroup, GroupLag> lags = new ConcurrentHashMap<>();
    /** Every reader's, also of readers stopped since: their last acknowledgements are sent before closing. */
    private final List<AckBatcher> ackBatchers = new CopyOnWriteArrayList<>();
    private final ReaderContext readerContext;
    private final StreamsHealthCheck healthCheck;
    private final XAddArgs addArgs;
    private final KeysByType streams;
    /** Null unless publishes wait for replicas. */
    private final @Nullable ReplicaWait replicaWait;
    private volatile boolean closed;
    private volatile @Nullable RedisConnection commands;
    /** XADD only: auto-flush off, flushed in batches by the sender. */
    private volatile @Nullable RedisConnection publishing;
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
        this.readerContext = new ReaderContext(endpoint, options, () -> commands, new StartRecorder(endpoint.describe()),
                new LongAdder(), new LongAdder(), new ReaderConnections());
        this.healthCheck = new StreamsHealthCheck(endpoint, options.retention(), () -> commands, () -> closed);
        this.sender = new ReliableSender(endpoint, options.publishTimeout(), scheduler, () -> publishing, () -> closed, loops);
        this.replicaWait = options.publishReplicas() > 0 ? new ReplicaWait(options.publishReplicas(), options.replicaTimeout(),
                options.publishTimeout(), endpoint, () -> publishing) : null;
    }

    @Override
    public TransportFeatures features() {
        return TransportFeatures.DURABLE;
    }

    @Override
    public String messagingSystem() {
        return "redis";
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
                if (replicaWait != null) {
                    DeploymentChecks.warnOfTooFewReplicas(endpoint, c, options.publishReplicas());
                }
            });
            commands = opened.commands();
            publishing = opened.publishing();
            endpoint.addListener(readerContext.connections());
        } catch (RuntimeException e) {
            close(Duration.ZERO); // the connections, the topology subscription, the scheduler's thread
            throw e instanceof RedisException ? new IllegalStateException(endpoint.cannotConnect(e), e) : e;
        }
        scheduler.scheduleWithFixedDelay(healthCheck::probe, 0, StreamsHealthCheck.PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
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
        StreamGroup streamGroup = StreamGroup.of(options.prefix(), options.source(), eventType, handlerName);
        RedisConnection c = requireCommands();
        try {
            streamGroup.create(c.sync(), options.startFrom());
        } catch (RedisException e) {
            throw new IllegalStateException("cannot create consumer group " + streamGroup.group() + " on " + streamGroup.stream()
                    + " at " + endpoint.describe() + ": " + RedisEndpoint.rootMessage(e), e);
        }
        InHand fresh = new InHand();
        InHand earlier = inHand.putIfAbsent(streamGroup, fresh); // null: the group's first reader in this run
        AckBatcher acks = new AckBatcher(streamGroup.stream(), streamGroup.group(), () -> commands, commandsLoop);
        ackBatchers.add(acks);
        GroupConsumer consumer = new GroupConsumer(readerContext, streamGroup, listener, earlier != null ? earlier : fresh, acks);
        GroupLag lag = lags.computeIfAbsent(streamGroup, g -> new GroupLag(eventType, g, options.retention(), scheduler));
        StreamReader reader = new StreamReader(readerContext, streamGroup, consumer, lag, earlier == null);
        readers.add(reader);
        reader.start(() -> readers.remove(reader));
        startLagChecks();
        return reader::stop;
    }

    private final AtomicBoolean lagChecks = new AtomicBoolean();

    /**
     * Samples the lag and pending entries of each group read, without waiting for Redis (the
     * scheduler also fails and re-sends held publishes: {@link GroupLag}); warns (and reports
     * unhealthy) when a lag nears the stream's retention.
     */
    private void startLagChecks() {
        if (lagChecks.compareAndSet(false, true)) {
            long every = Math.max(100, options.visibilityTimeout().toMillis() / 2);
            scheduler.scheduleWithFixedDelay(() -> {
                RedisConnection c = commands;
                if (c == null || closed) {
                    return;
                }
                long now = System.nanoTime();
                readers.stream().map(StreamReader::lag).distinct().forEach(lag -> lag.sample(c.async()::xinfoGroups, now));
            }, every, every, TimeUnit.MILLISECONDS);
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
        StreamGroup streamGroup = StreamGroup.of(options.prefix(), options.source(), eventType, handlerName);
        String id = (from.toEpochMilli() - 1) + "-" + Long.MAX_VALUE; // just before the first entry at 'from'
        if (from.toEpochMilli() <= 0) {
            id = "0";
        }
        streamGroup.moveTo(requireCommands().sync(), id);
        log.info("Group {} of {} will read again from {} (entry id after {})", streamGroup.group(), streamGroup.stream(), from, id);
    }

    private RedisConnection requireCommands() {
        RedisConnection c = commands;
        if (c == null) {
            throw new IllegalStateException("the Redis Streams transport is not started");
        }
        return c;
    }

    @Override
    public StreamsHealth health() {
        return healthCheck.report(readers, readerContext.claimed().sum(), readerContext.readErrors().sum(),
                readerContext.connections().reconnects(), sender.retries());
    }

    /** Waits until the stopped readers handed over everything they read (the listener queues or parks it). */
    @Override
    public void awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (StreamReader r : readers) {
            if (r.stopped()) {
                r.awaitEnd(deadline);
            }
        }
    }

    /** Of a close's time, what is kept for confirming the last acknowledgements (at most half of it). */
    private static final Duration ACK_RESERVE = Duration.ofMillis(100);

    @Override
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        List<StreamReader> stopping = List.copyOf(readers);
        stopping.forEach(StreamReader::stop);
        // one deadline for readers and acknowledgements: their blocked reads are ended at once;
        // a reader blocked in a connect (Redis down) is not waited for past it
        long end = System.nanoTime() + timeout.toNanos();
        long readersDeadline = end - Math.min(timeout.toNanos() / 2, ACK_RESERVE.toNanos());
        try {
            for (StreamReader r : stopping) {
                if (!r.awaitEnd(readersDeadline)) {
                    log.warn("The reader of group {} on {} did not stop in time; what it still reads stays pending",
                            r.streamGroup().group(), r.streamGroup().stream());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        sender.close();
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
        endpoint.removeListener(readerContext.connections());
        loops.release();
    }

    @Override
    public String toString() {
        return "redis-streams " + endpoint.describe();
    }
}
