package dev.herald.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How long a dead-letter write may wait for its store. Before a shutdown: the store's own
 * timeout. Once a shutdown started, every write shares its deadline plus {@link #MARGIN}: what
 * is left of that is all a write (or a batch of them) gets, and past it writes fail at once, so
 * that thousands of parked dead letters, a slow store or an unreachable one never make a
 * shutdown overrun its deadline by more than the margin. Thread-safe.
 */
final class ShutdownWrites {

    /** How long past its deadline a shutdown lets its dead-letter writes go on. */
    static final Duration MARGIN = Duration.ofMillis(600);

    private volatile boolean shuttingDown;
    private volatile long endNanos;
    private volatile boolean failedInShutdown;

    /** From now on, writes share this deadline (plus the margin). */
    void shutdownBy(long deadlineNanos) {
        endNanos = deadlineNanos + MARGIN.toNanos();
        shuttingDown = true;
    }

    /**
     * The time the next write may take.
     *
     * @return null outside a shutdown (the store's own timeout applies), else what is left
     * @throws IllegalStateException if the shutdown left no time for it
     */
    @Nullable Duration next() {
        if (!shuttingDown) {
            return null;
        }
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new IllegalStateException("the shutdown's deadline has passed, and its margin of " + MARGIN.toMillis()
                    + " ms for dead-letter writes" + (failedInShutdown ? "; the store had already failed in this shutdown" : ""));
        }
        return Duration.ofNanos(left);
    }

    /** A write failed; in a shutdown, later failures are logged without a stack trace. */
    void failed() {
        if (shuttingDown) {
            failedInShutdown = true;
        }
    }

    /** Whether the store already failed in this shutdown. */
    boolean failedInShutdown() {
        return failedInShutdown;
    }
}
