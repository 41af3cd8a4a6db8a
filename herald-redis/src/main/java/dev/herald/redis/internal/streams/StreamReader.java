package dev.herald.redis.internal.streams;

import dev.herald.internal.bus.BusThreads;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One handler's reader, on its own thread and connection: takes back once what an earlier run of
 * this instance left pending, claims abandoned entries, reads new ones with {@code XREADGROUP ...
 * BLOCK}, and hands each over to the handler's queue, waiting while the queue is full. On a Redis
 * Cluster it reads from the stream's master and, after a {@code MOVED} or {@code ASK} reply, a
 * closed connection or a master gone silent, finds the slot's master again by itself
 * ({@link ReaderConnector}). What it read goes to the handler through its {@link GroupConsumer}.
 * It keeps what its health needs without I/O: since when it has read nothing ({@link #silence})
 * and its group's lag ({@link #lag()}).
 *
 * <p>Thread-safe: its own thread reads; the transport stops it and waits for it from another
 * thread, and its health is read from any.
 */
final class StreamReader implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamReader.class);

    /** How often a stopping reader's blocked read is unblocked again, in case it was not blocked yet the time before. */
    private static final long UNBLOCK_EVERY_MILLIS = 50;

    private final ReaderContext context;
    private final RedisStreamsTransport.Options options;
    private final String stream;
    private final byte[] streamKey;
    private final String group;
    private final StreamGroup streamGroup;
    private final GroupConsumer consumer;
    private final ReaderConnector connector;
    private final GroupLag lag;
    private final Thread thread;
    /** Run when its thread ends; set before the thread starts. */
    private Runnable whenEnded = () -> { };
    private volatile boolean running = true;
    private long nextClaimNanos;
    /** Whether this consumer's entries from an earlier run are still to be taken back. */
    private boolean takingBack;
    /** The last of them handed over, so that a retry after a Redis error hands none twice. */
    private @Nullable String takenBackUpTo;
    /** When the read waiting for its reply was sent; 0 while none is. */
    private volatile long readSentNanos;
    /** Since when reading fails (from the read whose reply never came, if one was sent); 0 while it works. */
    private volatile long failingSinceNanos;
    /** Why reading last failed. */
    private volatile @Nullable String readFailure;

    /**
     * @param consumer this instance's consumer of the group, which hands what it reads over
     * @param lag its group's lag, sampled by the transport for every reader of the group
     * @param takesBack whether this reader takes back what an earlier run under this instance
     *     id left pending: the first reader of its group in this transport, before anything of
     *     this run can be pending with this consumer
     */
    StreamReader(ReaderContext context, StreamGroup streamGroup, GroupConsumer consumer, GroupLag lag, boolean takesBack) {
        this.context = context;
        this.options = context.options();
        this.stream = streamGroup.stream();
        this.streamKey = streamGroup.streamKey();
        this.group = streamGroup.group();
        this.streamGroup = streamGroup;
        this.consumer = consumer;
        this.connector = new ReaderConnector(context, streamGroup);
        this.takingBack = takesBack;
        this.lag = lag;
        this.thread = BusThreads.newThread(options.threadFactory(), "herald-reader-" + group, this);
    }

    StreamGroup streamGroup() {
        return streamGroup;
    }

    /** Its group's lag and pending entries, sampled by the transport's scheduler. */
    GroupLag lag() {
        return lag;
    }

    /**
     * Starts its thread.
     *
     * @param whenEnded runs on that thread as it ends
     */
    void start(Runnable whenEnded) {
        this.whenEnded = whenEnded;
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
            connector.unblock(left);
            TimeUnit.NANOSECONDS.timedJoin(thread, Math.min(left, TimeUnit.MILLISECONDS.toNanos(UNBLOCK_EVERY_MILLIS)));
        }
        return !thread.isAlive();
    }

    @Override
    public void run() {
        try {
            readUntilStopped();
        } finally {
            whenEnded.run();
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
                    connection = connector.connect();
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
                List<StreamMessage<byte[], byte[]>> batch = redis.xreadgroup(consumer.consumer(), read,
                        XReadArgs.StreamOffset.lastConsumed(streamKey));
                readSentNanos = 0;
                failingSinceNanos = 0;
                consumer.handOverRead(batch); // even after stop(): read means handed over
                backoff = 10;
            } catch (RedisException e) {
                if (!running) {
                    break;
                }
                context.readErrors().increment();
                String why = RedisEndpoint.rootMessage(e);
                failing(why);
                if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                    recreateGroup(Objects.requireNonNull(connection, "connection").sync()); // NOGROUP came from it
                } else {
                    log.warn("Reading {} for group {} failed: {}; retrying in {} ms", stream, group, why, backoff);
                    if (context.endpoint().isCluster()) {
                        connection = connector.leaveNode(connection);
                    }
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 1000);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                context.readErrors().increment();
                failing(e.toString());
                log.error("Reader of group {} on {} failed; it goes on", group, stream, e);
                sleep(backoff);
            }
        }
        if (connection != null) {
            connection.close();
            connector.released(connection);
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
     * Why this reader is down, for the transport's health: it has read nothing for longer than its
     * block time plus {@link ReaderConnector#SILENT_NODE_MARGIN}, waiting for a reply or failing (a master
     * dead or frozen, a node that refuses it); null while it reads, or waits for room in its
     * handler's queue.
     */
    @Nullable String silence(long nowNanos) {
        long failing = failingSinceNanos;
        long since = failing != 0 ? failing : readSentNanos;
        if (since == 0 || !running || nowNanos - since <= options.block().plus(ReaderConnector.SILENT_NODE_MARGIN).toNanos()) {
            return null;
        }
        String why = readFailure;
        return "the reader of group " + group + " on " + stream + " has read nothing from " + connector.server() + " for "
                + TimeUnit.NANOSECONDS.toMillis(nowNanos - since) + " ms"
                + (failing != 0 && why != null ? " (" + why + ")" : " (no reply)");
    }

    /**
     * The group vanished with Redis's data (a restart without persistence, FLUSHALL, a failover
     * to an empty replica): re-created from {@code 0}, the start of what the stream holds now,
     * so that nothing Redis accepted after the loss is skipped. What the stream still holds
     * from before the loss (if it outlived the group) is delivered again.
     */
    private void recreateGroup(RedisClusterCommands<byte[], byte[]> redis) {
        try {
            if (streamGroup.create(redis, "0")) {
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
     * counter goes up only when the handler starts on the entry ({@link StreamEntry#handlerStarting}).
     */
    private void claim(RedisConnection connection) throws InterruptedException {
        String after = null;
        do {
            ClaimedEntries.Page page = ClaimedEntries.abandoned(connection, streamKey, consumer.consumer(),
                    options.visibilityTimeout(), after, options.batch(), consumer.held(), consumer::awaitAcks);
            if (!page.entries().isEmpty()) {
                context.claimed().add(page.entries().size());
                log.info("Claimed {} entr(ies) of {} for group {}, left pending by a stopped consumer (or by this one, "
                        + "a read's reply or an acknowledgement lost with a connection)", page.entries().size(), stream, group);
            }
            consumer.handOverClaimed(page.entries());
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
            ClaimedEntries.Page page = ClaimedEntries.leftByEarlierRun(connection, streamKey, consumer.consumer(), takenBackUpTo,
                    options.batch());
            if (!page.entries().isEmpty()) {
                context.claimed().add(page.entries().size());
                log.info("Took back {} entr(ies) of {} for group {} that an earlier run of this instance ({}) read "
                        + "and did not finish", page.entries().size(), stream, group, options.instanceId());
            }
            consumer.handOverClaimed(page.entries());
            takenBackUpTo = page.next();
            takingBack = page.next() != null;
        }
    }
}
