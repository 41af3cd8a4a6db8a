package dev.herald.redis.internal;

import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Writes a publishing connection's commands in batches: the connection runs with Lettuce's
 * auto-flush off, and after each command one flush is scheduled on the connection's event loop
 * unless one already is. While the event loop is busy, commands accumulate and go out in one
 * write (one system call for Herald, one read for Redis); when it is idle, the flush runs at
 * once, so a lone publish is not delayed.
 *
 * <p>Order: exactly one flush is scheduled or running at a time ({@link EventLoopBatchRunner}), so batches
 * reach the socket in the order the commands were sent. The event loop is learnt from the first
 * reply (completions run on it; {@link EventLoops}), and again when replies come on another one
 * after a reconnect; until then, and off Netty, the sending thread flushes itself.
 * Thread-safe.
 */
final class PublishFlusher {

    private final Supplier<@Nullable RedisConnection> connection;
    private final AtomicInteger unflushed = new AtomicInteger();
    private final EventLoopBatchRunner flush;
    private final EventLoops loops;
    private volatile @Nullable EventLoop eventLoop;

    PublishFlusher(Supplier<@Nullable RedisConnection> connection, EventLoops loops) {
        this.connection = connection;
        this.loops = loops;
        this.flush = new EventLoopBatchRunner(this::flushCommands, () -> unflushed.get() > 0, () -> eventLoop);
    }

    /** After a command was handed to Lettuce: makes sure a flush follows. */
    void sent() {
        unflushed.incrementAndGet();
        flush.request();
    }

    /**
     * Called where replies complete commands: remembers the connection's event loop (a lookup only
     * when the reply comes on another thread than the loop known).
     */
    void onReplyThread() {
        EventLoop known = eventLoop;
        EventLoop current = loops.current(known);
        if (current != null && current != known) {
            eventLoop = current;
        }
    }

    /** A periodic nudge: flushes anything that is still buffered (after a reconnect, say). */
    void sweep() {
        sent();
    }

    private void flushCommands() {
        unflushed.set(0);
        RedisConnection c = connection.get();
        if (c != null) {
            c.flushCommands();
        }
    }
}
