package dev.herald.redis.internal.streams;

import dev.herald.redis.internal.EventLoopBatchRunner;
import dev.herald.redis.internal.EventLoops;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The event loop of one connection, learnt from the replies to commands sent on it, for
 * {@link EventLoopBatchRunner}s that send on that connection. While it is unknown, each command's reply is
 * looked at (one at a time) until it is found; once known, one reply in {@link #RECHECK} is looked
 * at again, so that after a reconnect (the new channel may be on another loop of the client's
 * group) it is learnt anew. A reply that completes before its callback is registered runs the
 * callback on the sending thread, which finds no loop (or the one already known): what was known
 * is kept and a later reply is looked at. So what every command costs is one clock read and one
 * volatile read; a callback, at most once a {@link #RECHECK}. Thread-safe.
 */
final class ReplyLoop {

    /** How often a known loop is checked again. */
    static final Duration RECHECK = Duration.ofSeconds(1);
    /** How long after a reply that showed no loop the next is looked at. */
    private static final long RETRY_NANOS = Duration.ofMillis(10).toNanos();

    private final EventLoops loops;
    private final AtomicBoolean looking = new AtomicBoolean();
    private volatile @Nullable EventLoop loop;
    private volatile long nextLookNanos = System.nanoTime();

    ReplyLoop(EventLoops loops) {
        this.loops = loops;
    }

    /** The connection's event loop as last learnt; null while unknown. */
    @Nullable Executor current() {
        return loop;
    }

    /**
     * Looks, if it is time, at the thread that completes {@code reply}, a command just sent on the
     * connection.
     */
    void learnFrom(CompletionStage<?> reply) {
        if (System.nanoTime() - nextLookNanos >= 0 && looking.compareAndSet(false, true)) {
            reply.whenComplete((value, failure) -> learn());
        }
    }

    private void learn() {
        EventLoop found = loops.current(loop);
        if (found != null) {
            loop = found;
        }
        nextLookNanos = System.nanoTime() + (found != null ? RECHECK.toNanos() : RETRY_NANOS);
        looking.set(false);
    }
}
