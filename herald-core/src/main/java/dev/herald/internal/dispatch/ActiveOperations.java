package dev.herald.internal.dispatch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts operations in progress so that a shutdown can wait for them. Thread-safe; cheap on the
 * hot path (one atomic add), while the rare wait polls.
 */
public final class ActiveOperations {

    private final AtomicLong count = new AtomicLong();

    public void enter() {
        count.incrementAndGet();
    }

    public void exit() {
        count.decrementAndGet();
    }

    /** Waits until none is in progress; false if the deadline came first. */
    public boolean awaitZero(long deadlineNanos) throws InterruptedException {
        while (count.get() > 0) {
            if (deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        return true;
    }
}
