package dev.herald.redis.internal.pubsub;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A task that runs on its own thread when asked, one run at a time, and again with backoff
 * while it reports work left. A request for a run sooner than the one scheduled brings it
 * forward; one for later is already served. Thread-safe.
 */
final class Retrying {

    private final ScheduledExecutorService thread;
    /** Runs once; true when nothing is left to do. */
    private final BooleanSupplier task;
    private final Runnable beforeRetry;
    private final Duration first;
    private final Duration atMost;
    /** When the next run is due, by {@link System#nanoTime()}; 0 if none is scheduled. */
    private final AtomicLong due = new AtomicLong();
    /** Only the thread changes it. */
    private Duration backoff;

    /**
     * @param thread a single thread of the task's own
     * @param task one run; true when nothing is left to do
     * @param beforeRetry called before a retry is scheduled
     * @param first the first wait before a retry; it doubles up to {@code atMost}
     */
    Retrying(ScheduledExecutorService thread, BooleanSupplier task, Runnable beforeRetry, Duration first, Duration atMost) {
        this.thread = thread;
        this.task = task;
        this.beforeRetry = beforeRetry;
        this.first = first;
        this.atMost = atMost;
        this.backoff = first;
    }

    /** Has the task run in {@code delay}, unless a run is due before that. */
    void request(Duration delay) {
        long at = System.nanoTime() + delay.toNanos();
        while (!thread.isShutdown()) {
            long pending = due.get();
            if (pending != 0 && pending - at <= 0) {
                return;
            }
            if (due.compareAndSet(pending, at)) {
                try {
                    thread.schedule(() -> runIfDue(at), delay.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) { // shut down meanwhile
                    due.set(0);
                }
                return;
            }
        }
    }

    private void runIfDue(long at) {
        if (!due.compareAndSet(at, 0)) {
            return; // another run came due first, or will
        }
        if (task.getAsBoolean()) {
            backoff = first;
            return;
        }
        beforeRetry.run();
        request(backoff);
        backoff = backoff.multipliedBy(2).compareTo(atMost) > 0 ? atMost : backoff.multipliedBy(2);
    }

    /** Runs no more; waits up to {@code timeout} for a run in progress, which is interrupted. */
    void stop(Duration timeout) {
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
