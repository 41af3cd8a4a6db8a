package dev.herald.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How long a dead-letter write (or a batch of them) may wait for its store. Before a shutdown:
 * the store's own timeout. Once a shutdown started, writes share its deadline plus
 * {@link #MARGIN}. Past that, a store that works still gets {@link #LATE_WRITE_TIMEOUT} per call,
 * as storing parked dead letters (a hundred per round trip) is quicker than writing them whole
 * to the log; a store that failed or was too slow once in this shutdown gets nothing more, and
 * later writes fail at once. Thread-safe.
 */
final class ShutdownWrites {

    /** How long past its deadline a shutdown lets its dead-letter writes wait and retry. */
    static final Duration MARGIN = Duration.ofMillis(250);
    /** What each call of the store still gets past the margin, while it has not failed in this shutdown. */
    static final Duration LATE_WRITE_TIMEOUT = Duration.ofMillis(200);

    private volatile boolean shuttingDown;
    private volatile long endNanos;
    private volatile boolean failedInShutdown;

    /** From now on, writes share this deadline (plus the margin). */
    void shutdownBy(long deadlineNanos) {
        endNanos = deadlineNanos + MARGIN.toNanos();
        shuttingDown = true;
    }

    /**
     * The time the next call of the store may take.
     *
     * @return null outside a shutdown (the store's own timeout applies), else what it gets
     * @throws IllegalStateException if the store failed in this shutdown and its time is spent
     */
    @Nullable Duration next() {
        if (!shuttingDown) {
            return null;
        }
        long left = endNanos - System.nanoTime();
        if (!failedInShutdown) {
            return Duration.ofNanos(Math.max(left, LATE_WRITE_TIMEOUT.toNanos()));
        }
        if (left <= 0) {
            throw new IllegalStateException("the store already failed in this shutdown, whose deadline has passed");
        }
        return Duration.ofNanos(left);
    }

    /** A write failed or did not finish in time: in a shutdown, the store gets no time past the margin. */
    void failed() {
        if (shuttingDown) {
            failedInShutdown = true;
        }
    }

    /** Whether the store already failed in this shutdown: later failures are logged without a stack trace. */
    boolean failedInShutdown() {
        return failedInShutdown;
    }
}
