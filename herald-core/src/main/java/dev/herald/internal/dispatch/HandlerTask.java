package dev.herald.internal.dispatch;

import dev.herald.DeadLetter;
import dev.herald.internal.codec.IncomingEvent;
import dev.herald.spi.Delivery;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One received message for one handler. Its state decides, exactly once, whether it ends as
 * finished (handled or dead-lettered by the worker) or parked (by a shutdown deadline).
 */
public final class HandlerTask {

    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int PARKED = 3;

    public final Delivery delivery;
    /** Set when this work is a dead letter's replay: completed instead of writing a new dead letter. */
    final @Nullable CompletableFuture<Void> replay;
    /** The decoded event, once known. */
    public volatile @Nullable IncomingEvent event;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    /**
     * Set by the worker once the outcome is counted (handled, dead-lettered, replay completed):
     * what a failure of Herald's own code after that point leaves is already accounted for.
     * Read and written by the worker thread only.
     */
    public boolean settled;
    /** After a park: the SHUTDOWN dead letter as stored (null if only logged); guarded by this. */
    private @Nullable DeadLetter parkedAs;
    private boolean parkRecorded;
    private boolean succeededLate;

    HandlerTask(Delivery delivery, @Nullable CompletableFuture<Void> replay) {
        this.delivery = delivery;
        this.replay = replay;
    }

    boolean start() {
        return state.compareAndSet(QUEUED, RUNNING);
    }

    /** The worker finished it; false if it was parked meanwhile. */
    boolean finish() {
        return state.compareAndSet(RUNNING, DONE);
    }

    /** Whether the worker has finished it (as opposed to queued, running or parked). */
    boolean finished() {
        return state.get() == DONE;
    }

    /** The shutdown parks it; false if it already finished. */
    boolean park() {
        return state.compareAndSet(QUEUED, PARKED) || state.compareAndSet(RUNNING, PARKED);
    }

    /** Records the dead letter this parked work became; true if its handler has already succeeded, late. */
    synchronized boolean parkedAs(@Nullable DeadLetter letter) {
        parkedAs = letter;
        parkRecorded = true;
        return succeededLate;
    }

    /** Its handler succeeded after the work was parked; true if the park is recorded, see {@link #parkedLetter()}. */
    synchronized boolean succeededLate() {
        succeededLate = true;
        return parkRecorded;
    }

    synchronized @Nullable DeadLetter parkedLetter() {
        return parkedAs;
    }
}
