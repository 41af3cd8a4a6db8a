package dev.herald.redis.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Work that callers ask for often and that runs in batches on a connection's event loop: at most
 * one run is scheduled or running at a time, and a request made while it runs is served by
 * another run right after (the loop handles its I/O in between). With no event loop known (or
 * one that shut down) the asking thread runs it; callers find the loop with {@link EventLoops}.
 * Because runs never overlap, what each run takes goes out in the order it was handed in.
 * Thread-safe.
 */
public final class EventLoopBatchRunner {

    private final Runnable work;
    private final BooleanSupplier more;
    private final Supplier<@Nullable Executor> eventLoop;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable onLoop = this::runOnLoop;

    /**
     * @param work takes everything handed in so far and sends it
     * @param more whether something was handed in that no run has taken yet
     * @param eventLoop the connection's event loop, or null while unknown
     */
    public EventLoopBatchRunner(Runnable work, BooleanSupplier more, Supplier<@Nullable Executor> eventLoop) {
        this.work = work;
        this.more = more;
        this.eventLoop = eventLoop;
    }

    /** Makes sure a run follows: scheduled on the event loop, or here. */
    public void request() {
        while (scheduled.compareAndSet(false, true)) {
            Executor loop = eventLoop.get();
            if (loop != null) {
                try {
                    loop.execute(onLoop);
                    return;
                } catch (RuntimeException e) { // that event loop shut down: run here
                    // fall through
                }
            }
            runOnce();
            if (!more.getAsBoolean()) {
                return;
            }
        }
    }

    /**
     * Runs the work on this thread until nothing is left and no run is in progress anywhere; waits
     * at most {@code timeoutNanos} for a run on the event loop (one that can no longer run, say).
     */
    public void drainHere(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while ((more.getAsBoolean() || scheduled.get()) && System.nanoTime() - deadline < 0) {
            if (more.getAsBoolean() && scheduled.compareAndSet(false, true)) {
                runOnce();
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private void runOnLoop() {
        runOnce();
        if (more.getAsBoolean()) {
            request(); // something came while we ran and saw the flag taken
        }
    }

    private void runOnce() {
        try {
            work.run();
        } finally {
            scheduled.set(false);
        }
    }
}
