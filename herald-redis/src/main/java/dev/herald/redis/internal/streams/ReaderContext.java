package dev.herald.redis.internal.streams;

import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the readers of one Streams transport take from it, the same for each ({@link StreamReader},
 * {@link ReaderConnector}, {@link GroupConsumer}). Immutable; its counters are thread-safe.
 *
 * @param endpoint where the streams are
 * @param options the transport's options: the batch, block time, visibility timeout, delivery
 *     limit, retention, consumer name and thread factory of each reader
 * @param commands the transport's commands connection, null until it is open: readers record
 *     handler starts, confirm their acknowledgements and unblock a stopping read on it
 * @param starts records handler starts
 * @param claimed counts the entries taken over from the pending list
 * @param readErrors counts the reads that failed
 * @param connections the readers' connections, whose reconnects it counts
 */
record ReaderContext(RedisEndpoint endpoint, RedisStreamsTransport.Options options, Supplier<@Nullable RedisConnection> commands,
        StartRecorder starts, LongAdder claimed, LongAdder readErrors, ReaderConnections connections) {
}
