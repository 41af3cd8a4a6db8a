package dev.herald.redis.internal.streams;

import dev.herald.redis.RedisPublishException;
import dev.herald.redis.internal.KeysByType;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
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
 * connection; on a cluster the connection to the stream's master that Lettuce's routing uses for
 * that master's slots, as the client knows the master when the {@code XADD} was answered (right
 * after a slot moved, that may be the former owner's; the {@code WAIT} then speaks for that
 * connection's writes, not this one). A publish fails with a {@link RedisPublishException} naming
 * how many replicas acknowledged, how many were asked for, and the master, when {@code WAIT}
 * reports fewer, fails, or does not answer within its timeout plus the publish timeout. Thread-safe.
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
     * Waits, without blocking, for the replicas of the master that just answered an {@code XADD}
     * to {@code stream}.
     *
     * @return completes once they acknowledged; fails with a {@link RedisPublishException} otherwise
     */
    CompletableFuture<Void> confirm(KeysByType.Key stream) {
        RedisURI node = null;
        if (endpoint.isCluster()) {
            try {
                node = endpoint.masterOf(stream.bytes()).getUri();
            } catch (RedisException e) {
                return CompletableFuture.failedFuture(new RedisPublishException("publish to " + stream.name() + " on "
                        + endpoint.describe() + " was accepted, but its master is not known to wait for "
                        + replicas + " replica(s): " + RedisEndpoint.rootMessage(e), e));
            }
        }
        RedisURI master = node;
        Waiting waiting = new Waiting(stream.name(), new CompletableFuture<>());
        Master m = masters.computeIfAbsent(master == null ? "" : master.getHost() + ":" + master.getPort(),
                k -> new Master(master));
        m.waiting.add(waiting);
        m.sendIfIdle();
        return waiting.done();
    }

    /** A publish waiting for the replicas. */
    private record Waiting(String stream, CompletableFuture<Void> done) {
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
                finish(batch, null, new RedisException("the bus's connection is closed"));
                return;
            }
            // WAIT is keyless: it must go on the connection the XADDs went out on, which the caller
            // does not flush (auto-flush is off for publishing), so it is flushed here
            c.nodeConnection(node).thenCompose(connection -> {
                RedisFuture<Long> reply = connection.async().waitForReplication(replicas, timeout.toMillis());
                connection.flushCommands();
                return reply;
            }).toCompletableFuture().orTimeout(replyBound.toNanos(), TimeUnit.NANOSECONDS)
                    .whenComplete((acknowledged, failure) -> finish(batch, acknowledged, failure));
        }

        private void finish(List<Waiting> batch, @Nullable Long acknowledged, @Nullable Throwable failure) {
            try {
                for (Waiting w : batch) {
                    if (failure == null && acknowledged != null && acknowledged >= replicas) {
                        w.done().complete(null);
                    } else {
                        w.done().completeExceptionally(failed(w.stream(), acknowledged, failure));
                    }
                }
            } finally {
                inFlight.set(false);
                sendIfIdle();
            }
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
