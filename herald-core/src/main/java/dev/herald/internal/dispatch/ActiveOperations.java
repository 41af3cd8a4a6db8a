package dev.herald.internal.dispatch;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts operations in progress so that a shutdown can wait for them. Thread-safe; cheap on the
 * hot path (one atomic add each way), while the rare wait is signalled by the exit that brings the
 * count to zero. No monitor is held while waiting, so virtual threads are never pinned. The count
 * is unbounded: it may exceed any limit on concurrent operations (callers waiting for a permit
 * count too).
 */
public final class ActiveOperations {

    private final AtomicLong count = new AtomicLong();
    /** Threads in {@link #awaitZero}: an exit takes the lock only when someone waits. */
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition none = lock.newCondition();

    public void enter() {
        count.incrementAndGet();
    }

    public void exit() {
        // a waiter registers before it checks the count, so either it sees zero or this sees it
        if (count.decrementAndGet() == 0 && waiters.get() > 0) {
            lock.lock();
            try {
                none.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits until none is in progress; false if the deadline came first. */
    public boolean awaitZero(long deadlineNanos) throws InterruptedException {
        if (count.get() == 0) {
            return true;
        }
        lock.lock();
        waiters.incrementAndGet();
        try {
            while (count.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                none.awaitNanos(left);
            }
            return true;
        } finally {
            waiters.decrementAndGet();
            lock.unlock();
        }
    }
}
