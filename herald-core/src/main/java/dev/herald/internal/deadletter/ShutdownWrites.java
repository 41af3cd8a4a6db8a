package dev.herald.internal.deadletter;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How long a dead-letter write (or a batch of them) may wait for its store. Before a shutdown:
 * the store's own timeout. Once a shutdown started, every write ends by its deadline plus
 * {@link #LATE_BUDGET}, all writes together: past that, writes fail at once (the dead letter is
 * logged whole and counted as not stored). Within that budget, a call of the store gets what is
 * left until the deadline plus {@link #MARGIN}, and at least {@link #LATE_WRITE_TIMEOUT} while
 * the store has not failed in this shutdown (storing parked dead letters, a hundred per round
 * trip, is quicker than writing them whole to the log); a store that failed or was too slow once
 * gets nothing past the margin. Thread-safe.
 */
final class ShutdownWrites {

    /** How long past its deadline a shutdown lets a store that failed wait and retry. */
    static final Duration MARGIN = Duration.ofMillis(250);
    /** What each call of the store still gets past the margin, while it has not failed in this shutdown. */
    static final Duration LATE_WRITE_TIMEOUT = Duration.ofMillis(200);
    /** How long past its deadline a shutdown's dead-letter writes may take in all; later ones fail at once. */
    static final Duration LATE_BUDGET = Duration.ofSeconds(1);

    private volatile boolean shuttingDown;
    private volatile long marginEndNanos;
    private volatile long budgetEndNanos;
    private volatile boolean failedInShutdown;

    /** From now on, writes share this deadline (plus the margin, or the late budget). */
    void shutdownBy(long deadlineNanos) {
        marginEndNanos = deadlineNanos + MARGIN.toNanos();
        budgetEndNanos = deadlineNanos + LATE_BUDGET.toNanos();
        shuttingDown = true;
    }

    /**
     * The time the next call of the store may take.
     *
     * @return null outside a shutdown (the store's own timeout applies), else what it gets
     * @throws IllegalStateException if this shutdown's time for dead-letter writes is spent
     */
    @Nullable Duration next() {
        if (!shuttingDown) {
            return null;
        }
        long now = System.nanoTime();
        long budgetLeft = budgetEndNanos - now;
        if (budgetLeft <= 0) {
            throw new IllegalStateException("the shutdown's time for dead-letter writes (its deadline + "
                    + LATE_BUDGET.toMillis() + " ms) is spent");
        }
        long left = marginEndNanos - now;
        if (!failedInShutdown) {
            return Duration.ofNanos(Math.min(Math.max(left, LATE_WRITE_TIMEOUT.toNanos()), budgetLeft));
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
