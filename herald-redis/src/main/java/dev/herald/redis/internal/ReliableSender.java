package dev.herald.redis.internal;

import dev.herald.redis.RedisPublishException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Sends one publishing command (PUBLISH, SPUBLISH or XADD) without a round trip on the caller's
 * thread: a command that fails is tried again with backoff, after asking for a topology reload on
 * a cluster; at the publish timeout the future fails with a {@link RedisPublishException} naming
 * the endpoint. Nothing waits forever. On one server, while Redis is unreachable, Lettuce keeps
 * the command and reconnects with backoff.
 *
 * <p>On a Redis Cluster the connection is one for writes ({@link RedisEndpoint#connectForWrites()}):
 * a command for a master whose connection is down, or drops, fails at once and is tried again
 * until the topology names the promoted replica, so none waits in Lettuce to be written when the
 * old master comes back. Only a publish in flight when its master died can be stored twice: the
 * dying master may have carried it out without its reply coming back, and it is tried again.
 * Lettuce before 7.7 still keeps the commands a dropped connection had in flight (lettuce#3747)
 * and writes them if the node comes back, which the node, now a replica, redirects to the new
 * master: a third copy at most, of those in flight at the drop only.
 *
 * <p>What still waits is swept: a command sent with its key
 * ({@link #send(String, byte[], Function)}) whose master is gone (no longer in the topology,
 * flagged {@code FAIL}, or its connection not open) asks for a topology refresh, and is cancelled
 * and sent again once the topology names another master for its key, once per such change, not
 * every sweep. Such a command is one the connection still holds: in flight to a master that
 * stopped answering without closing its connections, or, on Lettuce before 7.7, in flight when
 * the connection dropped. A cancelled command Lettuce holds may still be written, so each
 * sending again is one more copy that may be stored. A slot that moves between healthy masters is
 * Lettuce's to follow ({@code MOVED}, {@code ASK}): a command the old master carried out, or that
 * Lettuce redirected, is never sent twice. Thread-safe.
 */
public final class ReliableSender {

    private static final long SWEEP_MILLIS = 20;
    private static final int FULL_SWEEP_EVERY = 5;

    private final RedisEndpoint endpoint;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private final Supplier<@Nullable RedisConnection> connection;
    private final BooleanSupplier closed;
    private final @Nullable PublishFlusher flusher;
    private final LongAdder retries = new LongAdder();
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    /** Publishes whose retry is scheduled: failed by {@link #close()}, as the scheduler will not run it. */
    private final Map<CompletableFuture<Void>, String> waitingToRetry = new ConcurrentHashMap<>();
    /** Only the scheduler's thread sweeps. */
    private long sweeps;

    /**
     * @param batching non-null if the connection runs with auto-flush off, for this sender alone:
     *     its commands are then flushed in batches by a {@link PublishFlusher} on the event loop
     *     these find
     */
    public ReliableSender(RedisEndpoint endpoint, Duration timeout, ScheduledExecutorService scheduler,
            Supplier<@Nullable RedisConnection> connection, BooleanSupplier closed, @Nullable EventLoops batching) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.scheduler = scheduler;
        this.connection = connection;
        this.closed = closed;
        this.flusher = batching != null ? new PublishFlusher(connection, batching) : null;
        scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<Void> send(String target, Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<?>> command) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        attempt(target, null, command, result, System.nanoTime() + timeout.toNanos(), 1, null, null);
        return result;
    }

    /**
     * Sends a command on one key; on a cluster, it follows the key's slot to another master while
     * it waits (see above).
     */
    public CompletableFuture<Void> send(String target, byte[] key, Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<?>> command) {
        return send(target, key, command, null);
    }

    /**
     * Sends a command on one key, as {@link #send(String, byte[], Function)}, noting in
     * {@code route} where each attempt went.
     */
    public CompletableFuture<Void> send(String target, byte[] key, Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<?>> command,
            @Nullable Route route) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        attempt(target, endpoint.isCluster() ? key : null, command, result, System.nanoTime() + timeout.toNanos(), 1, null, route);
        return result;
    }

    /**
     * Where a command on a cluster was sent: the master of its key's slot as the client knew it
     * when the last attempt went out, and how many attempts there were. Read it once the send
     * completed. Lettuce may still have redirected that attempt ({@code MOVED}, {@code ASK}) to
     * another master, which this does not see.
     */
    public static final class Route {
        private volatile @Nullable RedisClusterNode master;
        private volatile int attempts;

        /** The key's master when the last attempt was sent; null on one server, or if none was known. */
        public @Nullable RedisClusterNode master() {
            return master;
        }

        /** How many times the command was sent. */
        public int attempts() {
            return attempts;
        }

        private void sent(@Nullable RedisClusterNode to) {
            master = to;
            attempts++; // one attempt at a time
        }
    }

    private void attempt(String target, byte @Nullable [] key, Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<?>> command,
            CompletableFuture<Void> result, long deadline, int attempt, @Nullable Throwable previous, @Nullable Route route) {
        RedisConnection c = connection.get();
        // not c.isOpen(): that is false while Lettuce reconnects, and then the command must wait, not fail
        if (c == null || closed.getAsBoolean()) {
            result.completeExceptionally(new RedisPublishException("cannot publish to " + target + " on "
                    + endpoint.describe() + ": the bus's connection is closed", previous));
            return;
        }
        RedisFuture<?> sent;
        RedisClusterNode master = key != null ? masterOf(key) : null; // as Lettuce routes it now
        if (route != null) {
            route.sent(master);
        }
        try {
            sent = command.apply(c.async());
        } catch (RuntimeException e) {
            result.completeExceptionally(new RedisPublishException("cannot publish to " + target + " on "
                    + endpoint.describe() + ": " + RedisEndpoint.rootMessage(e), e));
            return;
        }
        if (flusher != null) {
            flusher.sent();
        }
        pending.add(new Pending(sent, deadline, key, master, () -> {
            result.completeExceptionally(new RedisPublishException("publish to " + target + " on " + endpoint.describe()
                    + " was not confirmed within the publish timeout of " + timeout + " (is Redis reachable?); "
                    + (endpoint.isCluster() ? "it may still be stored if the master it waited for comes back"
                            : "it may be stored if Redis received it before the timeout")
                    + (previous != null ? "; last error: " + RedisEndpoint.rootMessage(previous) : ""),
                    previous != null ? previous : new TimeoutException("publish timeout " + timeout)));
            sent.cancel(false); // on one server Lettuce then drops it; a cluster node's connection that holds it may still write it
        }));
        sent.whenComplete((ok, failure) -> {
            if (flusher != null) {
                flusher.onReplyThread();
            }
            if (failure == null) {
                result.complete(null);
                return;
            }
            if (result.isDone()) {
                return; // timed out already
            }
            Throwable cause = reason(failure, master);
            endpoint.writesTopology().topologyMayHaveChanged(); // on a cluster: a failover or a moved slot, perhaps
            long delay = Math.min(1000, 10L << Math.min(attempt - 1, 7));
            if (!scheduler.isShutdown() && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) < deadline) {
                retries.increment();
                waitingToRetry.put(result, target);
                try {
                    scheduler.schedule(() -> {
                        if (waitingToRetry.remove(result) != null) {
                            attempt(target, key, command, result, deadline, attempt + 1, cause, route);
                        }
                    }, delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    failClosed(result, target, cause);
                }
            } else {
                result.completeExceptionally(new RedisPublishException("publish to " + target + " on "
                        + endpoint.describe() + " failed after " + attempt + " attempt(s): "
                        + RedisEndpoint.rootMessage(cause), cause));
            }
        });
    }

    /**
     * Fails every publish waiting to be tried again: the transport is closing and its scheduler
     * will not run their retries. Those waiting for Redis's reply fail as their connection closes.
     */
    public void close() {
        for (CompletableFuture<Void> result : waitingToRetry.keySet()) {
            String target = waitingToRetry.remove(result);
            if (target != null) {
                failClosed(result, target, null);
            }
        }
    }

    private void failClosed(CompletableFuture<Void> result, String target, @Nullable Throwable last) {
        waitingToRetry.remove(result);
        result.completeExceptionally(new RedisPublishException("publish to " + target + " on " + endpoint.describe()
                + " was not confirmed before the bus closed (it waited to be tried again"
                + (last != null ? " after: " + RedisEndpoint.rootMessage(last) : "") + ")", last));
    }

    /**
     * Why an attempt failed, for the next attempt's and the final message: the error, or, for a
     * command the sweep cancelled to send it again (a {@link CancellationException}, which says
     * nothing), that its master was gone.
     */
    private static Throwable reason(Throwable failure, @Nullable RedisClusterNode master) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof CancellationException && master != null) {
            return new RedisConnectionException("master " + master.getUri().getHost() + ":" + master.getUri().getPort()
                    + " of its slot was gone");
        }
        return cause;
    }

    /**
     * Fails what passed its deadline and forgets what is done. One sweep every
     * {@link #SWEEP_MILLIS} instead of a timer per command: a timer per publish (scheduled and
     * cancelled under the JDK delay scheduler's lock) cost more than the publish itself. Replies
     * come in order, so done commands are taken off the head of the queue; a whole pass (a
     * retried command's deadline can be earlier than those queued before it) runs every
     * {@link #FULL_SWEEP_EVERY} sweeps, so a deadline is noticed at most about 100 ms late.
     */
    private void sweep() {
        if (flusher != null && !pending.isEmpty()) {
            flusher.sweep(); // commands buffered while Lettuce reconnected wait for a flush
        }
        long now = System.nanoTime();
        RedisConnection c = connection.get();
        if (++sweeps % FULL_SWEEP_EVERY != 0) {
            Pending p;
            while ((p = pending.peek()) != null) {
                if (p.command().isDone()) {
                    pending.poll();
                } else if (now - p.deadline() >= 0) {
                    pending.poll();
                    p.onTimeout().run();
                } else {
                    return;
                }
            }
            return;
        }
        Map<String, Boolean> gone = new HashMap<>(); // by node id, for this pass
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.command().isDone()) {
                it.remove();
            } else if (now - p.deadline() >= 0) {
                it.remove();
                p.onTimeout().run();
            } else if (c != null && masterGone(p.master(), c, gone) && anotherMasterServes(p)) {
                it.remove();
                // sent again; one the dying master carried out before it went is then there twice
                p.command().cancel(false);
            }
        }
        if (gone.containsValue(true)) {
            endpoint.writesTopology().topologyMayHaveChanged();
        }
    }

    /** Whether the master a command was sent to is gone; known answers kept in {@code gone} by node id. */
    private boolean masterGone(@Nullable RedisClusterNode master, RedisConnection c, Map<String, Boolean> gone) {
        return master != null && gone.computeIfAbsent(master.getNodeId(), id -> isGone(master, c));
    }

    /**
     * Whether the topology names another master, not failed, for the command's key than the one it
     * was sent to: only then is it sent again. While the topology still names the master that is
     * gone, a command sent again would wait for that master once more, and a cancelled command
     * that Lettuce holds for a node may still be written when the node comes back (as a replica,
     * which redirects it): each command sent again is one more copy that may be stored.
     */
    private boolean anotherMasterServes(Pending p) {
        byte[] key = p.key();
        RedisClusterNode before = p.master();
        RedisClusterNode now = key != null ? masterOf(key) : null;
        return now != null && before != null && !now.getNodeId().equals(before.getNodeId())
                && !now.is(RedisClusterNode.NodeFlag.FAIL);
    }

    /** The key's master as the client last loaded the topology; null if none is known. */
    private @Nullable RedisClusterNode masterOf(byte[] key) {
        try {
            return endpoint.writesTopology().masterOf(key);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether a master that a command was sent to is gone: absent from the topology, flagged
     * {@code FAIL}, or the connection Lettuce routes its commands on is not open (closed, or
     * reconnecting to a node that may never come back). A master that is there and connected
     * answers, {@code MOVED} or {@code ASK} included, which Lettuce follows by itself.
     */
    private boolean isGone(RedisClusterNode master, RedisConnection c) {
        RedisClusterNode now = endpoint.writesTopology().node(master.getNodeId());
        if (now == null || now.is(RedisClusterNode.NodeFlag.FAIL)) {
            return true;
        }
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> routing = c.nodeConnection(master.getUri());
        if (!routing.isDone()) {
            return false; // being connected: Lettuce writes the command once it is
        }
        try {
            return !routing.join().isOpen();
        } catch (CompletionException | CancellationException e) {
            return true;
        }
    }

    /**
     * @param key on a cluster, the command's key, else null
     * @param master on a cluster, the key's master when it was sent, if known
     */
    private record Pending(RedisFuture<?> command, long deadline, byte @Nullable [] key, @Nullable RedisClusterNode master,
            Runnable onTimeout) {
    }

    public long retries() {
        return retries.sum();
    }
}
