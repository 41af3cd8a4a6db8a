package dev.herald.redis.internal.streams;

import dev.herald.redis.RedisPublishException;
import dev.herald.redis.internal.KeysByType;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.ReliableSender;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Completes a publish that Redis accepted only once enough replicas acknowledged it
 * ({@code WAIT numreplicas timeout}), for {@code publishReplicas}. {@code WAIT} covers every write
 * its connection sent before it, so one {@code WAIT} per master at a time serves every publish
 * that master answered since the previous one was sent: under load, many publishes share one round
 * trip to the replicas; a lone publish pays one.
 *
 * <p>It goes on the connection that took the {@code XADD}s: on one server the publishing
 * connection; on a cluster the connection to the master the {@code XADD} was sent to, which
 * Lettuce's routing uses for that master's slots. On a cluster the {@code XADD} may have gone
 * elsewhere: sent again after its master failed, or redirected by Lettuce ({@code MOVED},
 * {@code ASK}) while the slot moved. So a publish that was sent more than once, or whose slot has
 * another master now, waits at the stream's master after a topology reload; and with each
 * {@code WAIT} goes an {@code EXISTS} of each stream it speaks for, which a master that no longer
 * holds the stream answers with a redirection: those publishes too wait again at the master after
 * a reload. Where the second place does not hold the stream either, the publish fails saying that
 * whether replicas have it is unknown. What remains: a slot that moved away and back to the same
 * master between the {@code XADD} and the check.
 *
 * <p>A publish fails with a {@link RedisPublishException} naming how many replicas acknowledged,
 * how many were asked for, and the master, when {@code WAIT} reports fewer, fails, or does not
 * answer within its timeout plus the publish timeout. Thread-safe.
 */
final class ReplicaWait {

    private final int replicas;
    private final Duration timeout;
    /** A {@code WAIT} answers by its timeout; one unanswered this long (a node gone silent) is given up. */
    private final Duration replyBound;
    private final RedisEndpoint endpoint;
    private final Supplier<@Nullable RedisConnection> publishing;
    private final Map<String, Master> masters = new ConcurrentHashMap<>();

    /**
     * @param replicas how many replicas must acknowledge, at least 1
     * @param timeout how long {@code WAIT} waits for them
     * @param publishTimeout the bus's publish timeout: added to {@code timeout} for the answer to come
     * @param publishing the connection the {@code XADD}s go out on
     */
    ReplicaWait(int replicas, Duration timeout, Duration publishTimeout, RedisEndpoint endpoint,
            Supplier<@Nullable RedisConnection> publishing) {
        this.replicas = replicas;
        this.timeout = timeout;
        this.replyBound = timeout.plus(publishTimeout);
        this.endpoint = endpoint;
        this.publishing = publishing;
    }

    /**
     * Waits, without blocking, for the replicas of the master that answered an {@code XADD} to
     * {@code stream}.
     *
     * @param route where the {@code XADD} was sent
     * @return completes once they acknowledged; fails with a {@link RedisPublishException} otherwise
     */
    CompletableFuture<Void> confirm(KeysByType.Key stream, ReliableSender.Route route) {
        Waiting waiting = new Waiting(stream, new CompletableFuture<>(), false);
        if (!endpoint.isCluster()) {
            waitAt(null, waiting);
            return waiting.done();
        }
        RedisClusterNode sentTo = route.master();
        RedisClusterNode now = masterOf(stream);
        if (route.attempts() == 1 && sentTo != null && now != null && now.getNodeId().equals(sentTo.getNodeId())) {
            waitAt(sentTo.getUri(), waiting);
        } else {
            waitAfterReload(waiting);
        }
        return waiting.done();
    }

    private @Nullable RedisClusterNode masterOf(KeysByType.Key stream) {
        try {
            return endpoint.writesTopology().masterOf(stream.bytes());
        } catch (RedisException e) {
            return null;
        }
    }

    private void waitAt(@Nullable RedisURI node, Waiting waiting) {
        Master m = masters.computeIfAbsent(node == null ? "" : node.getHost() + ":" + node.getPort(), k -> new Master(node));
        m.waiting.add(waiting);
        m.sendIfIdle();
    }

    /** Waits for the replicas of the stream's master once the topology is reloaded: its last try. */
    private void waitAfterReload(Waiting waiting) {
        Waiting last = new Waiting(waiting.stream(), waiting.done(), true);
        endpoint.writesTopology().refreshTopology().orTimeout(replyBound.toNanos(), TimeUnit.NANOSECONDS).whenComplete((loaded, failure) -> {
            RedisClusterNode master = masterOf(last.stream());
            if (master == null) {
                Throwable cause = failure != null ? failure : new RedisException("no master known for its slot");
                last.done().completeExceptionally(new RedisPublishException("publish to " + last.stream().name() + " on "
                        + endpoint.describe() + " was accepted, but its master is not known to wait for " + replicas
                        + " replica(s): " + RedisEndpoint.rootMessage(cause), cause));
            } else {
                waitAt(master.getUri(), last);
            }
        });
    }

    /**
     * A publish waiting for the replicas.
     *
     * @param last whether it waits after a topology reload already: if its master does not hold the stream, it fails
     */
    private record Waiting(KeysByType.Key stream, CompletableFuture<Void> done, boolean last) {
    }

    /** The publishes of one master waiting for its replicas, and its one {@code WAIT} in flight. */
    private final class Master {
        private final @Nullable RedisURI node;
        private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean inFlight = new AtomicBoolean();

        Master(@Nullable RedisURI node) {
            this.node = node;
        }

        /** Sends a {@code WAIT} for everything waiting, unless one is in flight (its end sends the next). */
        void sendIfIdle() {
            while (!waiting.isEmpty() && inFlight.compareAndSet(false, true)) {
                List<Waiting> batch = new ArrayList<>();
                for (Waiting w; (w = waiting.poll()) != null; ) {
                    batch.add(w);
                }
                if (!batch.isEmpty()) {
                    send(batch);
                    return;
                }
                inFlight.set(false);
            }
        }

        private void send(List<Waiting> batch) {
            RedisConnection c = publishing.get();
            if (c == null) {
                finish(batch, null, Map.of(), new RedisException("the bus's connection is closed"));
                return;
            }
            // WAIT is keyless: it must go on the connection the XADDs went out on, which the caller
            // does not flush (auto-flush is off for publishing), so it is flushed here
            Map<String, CompletableFuture<Long>> held = new HashMap<>();
            c.nodeConnection(node).thenCompose(connection -> {
                if (node != null) {
                    for (Waiting w : batch) {
                        held.computeIfAbsent(w.stream().name(),
                                name -> connection.async().exists(w.stream().bytes()).toCompletableFuture());
                    }
                }
                RedisFuture<Long> reply = connection.async().waitForReplication(replicas, timeout.toMillis());
                connection.flushCommands();
                return reply;
            }).toCompletableFuture().orTimeout(replyBound.toNanos(), TimeUnit.NANOSECONDS)
                    .whenComplete((acknowledged, failure) -> finish(batch, acknowledged, held, failure));
        }

        /** @param held by stream name, this master's answer to EXISTS: 1 if it holds the stream */
        private void finish(List<Waiting> batch, @Nullable Long acknowledged, Map<String, CompletableFuture<Long>> held,
                @Nullable Throwable failure) {
            try {
                for (Waiting w : batch) {
                    if (failure == null && !holds(held.get(w.stream().name()))) {
                        elsewhere(w);
                    } else if (failure == null && acknowledged != null && acknowledged >= replicas) {
                        w.done().complete(null);
                    } else {
                        w.done().completeExceptionally(failed(w.stream().name(), acknowledged, failure));
                    }
                }
            } finally {
                inFlight.set(false);
                sendIfIdle();
            }
        }

        /** Whether EXISTS found the stream here (answered before WAIT); true on one server, where none is sent. */
        private static boolean holds(@Nullable CompletableFuture<Long> exists) {
            return exists == null || exists.isDone() && !exists.isCompletedExceptionally() && Long.valueOf(1).equals(exists.join());
        }

        /** The master does not hold the stream: the XADD went elsewhere (a redirection), or the stream is gone. */
        private void elsewhere(Waiting w) {
            if (!w.last()) {
                waitAfterReload(w);
                return;
            }
            w.done().completeExceptionally(new RedisPublishException("publish to " + w.stream().name() + " on "
                    + endpoint.describe() + " was accepted, but whether " + replicas + " replica(s) asked for (publishReplicas) "
                    + "have it is unknown: its stream's slot moved while it was published, and the master "
                    + (node != null ? node.getHost() + ":" + node.getPort() : "") + " asked after a topology reload does not "
                    + "hold the stream; it is lost if the master that took it fails before replicating it", null));
        }

        private RedisPublishException failed(String stream, @Nullable Long acknowledged, @Nullable Throwable failure) {
            String where = node != null ? "master " + node.getHost() + ":" + node.getPort() + " of " + endpoint.describe()
                    : "master " + endpoint.describe();
            String accepted = "publish to " + stream + " was accepted by the " + where + ", but ";
            if (failure == null) {
                return new RedisPublishException(accepted + "only " + acknowledged + " of the " + replicas
                        + " replica(s) asked for (publishReplicas) acknowledged it within " + timeout.toMillis()
                        + " ms: it is lost if that master fails before replicating it", null);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            String why = cause instanceof TimeoutException ? "no answer to WAIT within " + replyBound.toMillis() + " ms"
                    : "WAIT failed: " + RedisEndpoint.rootMessage(cause);
            return new RedisPublishException(accepted + "whether " + replicas + " replica(s) asked for (publishReplicas) "
                    + "have it is unknown (" + why + "): it is lost if that master fails before replicating it", cause);
        }
    }
}
