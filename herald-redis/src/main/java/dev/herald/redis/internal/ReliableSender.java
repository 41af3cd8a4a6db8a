package dev.herald.redis.internal;

import dev.herald.redis.RedisPublishException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Sends one publishing command (PUBLISH or XADD) without a round trip on the caller's thread:
 * while Redis is unreachable, Lettuce keeps the command and reconnects with backoff; a command
 * that fails is tried again with backoff; at the publish timeout the future fails with a
 * {@link RedisPublishException} naming the endpoint. Nothing waits forever.
 */
final class ReliableSender {

    private final RedisEndpoint endpoint;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private final Supplier<@Nullable StatefulRedisConnection<byte[], byte[]>> connection;
    private final java.util.function.BooleanSupplier closed;
    private final LongAdder retries = new LongAdder();

    ReliableSender(RedisEndpoint endpoint, Duration timeout, ScheduledExecutorService scheduler,
            Supplier<@Nullable StatefulRedisConnection<byte[], byte[]>> connection, java.util.function.BooleanSupplier closed) {
        this.closed = closed;
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.scheduler = scheduler;
        this.connection = connection;
    }

    CompletableFuture<Void> send(String target, Function<RedisAsyncCommands<byte[], byte[]>, RedisFuture<?>> command) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        attempt(target, command, result, System.nanoTime() + timeout.toNanos(), 1, null);
        return result;
    }

    private void attempt(String target, Function<RedisAsyncCommands<byte[], byte[]>, RedisFuture<?>> command,
            CompletableFuture<Void> result, long deadline, int attempt, @Nullable Throwable previous) {
        StatefulRedisConnection<byte[], byte[]> c = connection.get();
        // not c.isOpen(): that is false while Lettuce reconnects, and then the command must wait, not fail
        if (c == null || closed.getAsBoolean()) {
            result.completeExceptionally(new RedisPublishException("cannot publish to " + target + " on "
                    + endpoint.describe() + ": the bus's connection is closed", previous));
            return;
        }
        RedisFuture<?> sent;
        try {
            sent = command.apply(c.async());
        } catch (RuntimeException e) {
            result.completeExceptionally(new RedisPublishException("cannot publish to " + target + " on "
                    + endpoint.describe() + ": " + RedisPubSubTransport.rootMessage(e), e));
            return;
        }
        long left = Math.max(1, deadline - System.nanoTime());
        sent.toCompletableFuture().copy().orTimeout(left, TimeUnit.NANOSECONDS).whenComplete((ok, failure) -> {
            if (failure == null) {
                result.complete(null);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                sent.cancel(false);
                result.completeExceptionally(new RedisPublishException("publish to " + target + " on " + endpoint.describe()
                        + " was not accepted within the publish timeout of " + timeout + " (is Redis reachable?)"
                        + (previous != null ? "; last error: " + RedisPubSubTransport.rootMessage(previous) : ""),
                        previous != null ? previous : cause));
                return;
            }
            long delay = Math.min(1000, 10L << Math.min(attempt - 1, 7));
            if (!scheduler.isShutdown() && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) < deadline) {
                retries.increment();
                scheduler.schedule(() -> attempt(target, command, result, deadline, attempt + 1, cause), delay,
                        TimeUnit.MILLISECONDS);
            } else {
                result.completeExceptionally(new RedisPublishException("publish to " + target + " on "
                        + endpoint.describe() + " failed after " + attempt + " attempt(s): "
                        + RedisPubSubTransport.rootMessage(cause), cause));
            }
        });
    }

    long retries() {
        return retries.sum();
    }
}
