package dev.herald.redis.internal.pubsub;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waits for Redis's answer on a subscriber connection, but not for a connection that went down
 * (a shutdown must keep its deadline while Redis is unreachable, and Lettuce would hold the
 * command for the reconnect), and at most a given time.
 */
final class Replies {

    /** How often a wait checks that the connection is still up. */
    private static final long POLL_MILLIS = 50;

    private Replies() {
    }

    /**
     * @return true if the answer came; false if the connection went down, the time ran out or
     *     the thread was interrupted (its flag set again): the answer is then cancelled
     * @throws ExecutionException if the answer is an error
     */
    static boolean await(Future<?> reply, BooleanSupplier open, Duration timeout) throws ExecutionException {
        long end = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    reply.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    return true;
                } catch (TimeoutException e) {
                    if (!open.getAsBoolean() || System.nanoTime() - end > 0) {
                        reply.cancel(false);
                        return false;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply.cancel(false);
            return false;
        }
    }
}
