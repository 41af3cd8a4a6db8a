package dev.herald.redis.internal;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a future until a deadline, through interrupts: for waits that must not end early
 * (a command already sent may have been executed; a connection half made would leak), and are
 * bounded anyway. An interrupt received meanwhile is restored when the wait ends.
 */
final class BoundedWait {

    private BoundedWait() {
    }

    /**
     * @param endNanos the deadline, as {@link System#nanoTime()}
     * @return the future's value
     * @throws TimeoutException if it was not done by the deadline
     * @throws ExecutionException if it failed
     */
    static <T> T get(Future<T> future, long endNanos) throws ExecutionException, TimeoutException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get(Math.max(endNanos - System.nanoTime(), 1), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
