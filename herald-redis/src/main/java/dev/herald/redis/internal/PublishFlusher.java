package dev.herald.redis.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Order: exactly one flush is scheduled or running at a time (the {@link #scheduled} flag is
 * released only after Lettuce has taken the batch), so batches reach the socket in the order
 * the commands were sent. The event loop is learnt from the first reply (completions run on it);
 * until then, and off Netty, the sending thread flushes itself. Thread-safe.
 */
final class PublishFlusher {

    private final Supplier<@Nullable StatefulRedisConnection<byte[], byte[]>> connection;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger unflushed = new AtomicInteger();
    private final Runnable flush = this::flush;
    private volatile @Nullable Executor eventLoop;

    PublishFlusher(Supplier<@Nullable StatefulRedisConnection<byte[], byte[]>> connection) {
        this.connection = connection;
    }

    /** After a command was handed to Lettuce: makes sure a flush follows. */
    void sent() {
        unflushed.incrementAndGet();
        schedule();
    }

    /** Called where replies complete commands: remembers the connection's event loop. */
    void onReplyThread() {
        Executor current = SubscriberIntake.currentEventLoop();
        if (current != null && current != eventLoop) {
            eventLoop = current;
        }
    }

    /** A periodic nudge: flushes anything that is still buffered (after a reconnect, say). */
    void sweep() {
        unflushed.incrementAndGet();
        schedule();
    }

    private void schedule() {
        while (scheduled.compareAndSet(false, true)) {
            Executor loop = eventLoop;
            if (loop != null) {
                try {
                    loop.execute(flush);
                    return;
                } catch (RuntimeException e) { // that event loop shut down: flush here
                    eventLoop = null;
                }
            }
            flushOnce();
            if (unflushed.get() == 0) {
                return;
            }
        }
    }

    /** The task on the event loop: one flush, then a new task if more came meanwhile (I/O runs in between). */
    private void flush() {
        flushOnce();
        if (unflushed.get() > 0) {
            schedule(); // a command sent while we flushed saw the flag taken
        }
    }

    private void flushOnce() {
        try {
            unflushed.set(0);
            StatefulRedisConnection<byte[], byte[]> c = connection.get();
            if (c != null) {
                c.flushCommands();
            }
        } finally {
            scheduled.set(false);
        }
    }
}
