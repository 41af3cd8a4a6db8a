package dev.herald.internal.dispatch;

import dev.herald.internal.bus.BusThreads;
import dev.herald.internal.codec.IncomingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handler's bounded queue(s) and worker threads. Unordered: one queue served by N threads.
 * Ordered by subject: N queues with one thread each, chosen by the subject's hash. A full queue
 * makes {@link #submit} wait: backpressure, never a drop.
 */
public final class HandlerWorkers {

    private static final Logger log = LoggerFactory.getLogger(HandlerWorkers.class);
    private static final long POLL_MILLIS = 50;

    private final HandlerPipeline<?> pipeline;
    private final boolean bySubject;
    private final List<BlockingQueue<HandlerTask>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** What each worker runs now; plain volatile slots (AtomicReferenceArray type-checks every write). */
    private final Slot[] running;

    private static final class Slot {
        volatile @Nullable HandlerTask work;
    }
    private final ReentrantReadWriteLock intakeLock = new ReentrantReadWriteLock();
    private volatile boolean accepting = true;
    private volatile boolean parking;

    /** @param threadFactory where the worker threads come from; each is named {@code herald-<handler>-<n>} */
    public HandlerWorkers(HandlerPipeline<?> pipeline, int concurrency, boolean bySubject, int capacity,
            ThreadFactory threadFactory) {
        this.pipeline = pipeline;
        this.bySubject = bySubject && concurrency > 1;
        this.running = new Slot[concurrency];
        for (int i = 0; i < concurrency; i++) {
            running[i] = new Slot();
        }
        if (this.bySubject) {
            int perLane = Math.max(1, (capacity + concurrency - 1) / concurrency);
            for (int i = 0; i < concurrency; i++) {
                queues.add(new ArrayBlockingQueue<>(perLane));
            }
        } else {
            queues.add(new ArrayBlockingQueue<>(capacity));
        }
        for (int i = 0; i < concurrency; i++) {
            BlockingQueue<HandlerTask> queue = queues.get(this.bySubject ? i : 0);
            int slot = i;
            threads.add(BusThreads.newThread(threadFactory, "herald-" + pipeline.handlerName() + "-" + (i + 1),
                    () -> HandlingContext.runBound(() -> work(queue, slot))));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    HandlerAccount account() {
        return pipeline.account();
    }

    /** The messages queued, not yet taken by a worker. */
    int queued() {
        int n = 0;
        for (BlockingQueue<HandlerTask> queue : queues) {
            n += queue.size();
        }
        return n;
    }

    /**
     * Queues work, waiting while the queue is full; after {@link #stopIntake()} parks it instead.
     * When the queue is full, the worker is behind: the calling thread (a transport's intake or
     * reader) then decodes the message itself while it waits, so that the worker only has to run
     * the handler: the two work in a pipeline. When the caller is the one behind (several
     * handlers' queues to fill), the queues drain, and it decodes for none of them again.
     */
    void submit(HandlerTask work) throws InterruptedException {
        BlockingQueue<HandlerTask> queue = queues.get(bySubject ? laneOf(work) : 0);
        boolean decoded = bySubject || work.event != null; // subject lanes decode to route
        boolean interrupted = false;
        try {
            while (true) {
                intakeLock.readLock().lock();
                try {
                    if (!accepting) {
                        break;
                    }
                    if (decoded ? queue.offer(work, POLL_MILLIS, TimeUnit.MILLISECONDS) : queue.offer(work)) {
                        return;
                    }
                } finally {
                    intakeLock.readLock().unlock();
                }
                if (!decoded) {
                    decoded = true;
                    pipeline.peek(work); // a bad message stays undecoded: the worker dead-letters it as always
                }
            }
        } catch (InterruptedException e) {
            interrupted = true; // the work is parked below, never dropped
        }
        if (work.park()) {
            pipeline.park(work);
        }
        if (interrupted) {
            throw new InterruptedException("interrupted while waiting for room in the queue of handler '"
                    + pipeline.handlerName() + "'; the event was parked as a dead letter");
        }
    }

    /**
     * Queues work only if there is room right now (never decodes, never waits, never parks);
     * false otherwise, for subject-ordered lanes, whose routing needs the decoded subject, and
     * once intake has stopped: the caller may be an event-loop thread, which must not write the
     * dead letter that parking means, so it hands the work to {@link #submit} on another thread.
     */
    boolean tryOffer(HandlerTask work) {
        if (bySubject) {
            return false;
        }
        intakeLock.readLock().lock();
        try {
            return accepting && queues.get(0).offer(work);
        } finally {
            intakeLock.readLock().unlock();
        }
    }

    private int laneOf(HandlerTask work) {
        IncomingEvent event = pipeline.peek(work);
        String subject = event != null ? event.subject() : null;
        return subject == null ? 0 : Math.floorMod(subject.hashCode(), queues.size());
    }

    /**
     * Before parking, yields for a few microseconds: under load the next batch is usually on its
     * way, and parking costs a context switch here plus a wake-up call on the producer's thread
     * (see docs/BENCHMARKS.md). Yielding, unlike spinning,
     * leaves the core to the producer on a small machine.
     */
    private static @Nullable HandlerTask awaitWork(BlockingQueue<HandlerTask> queue) {
        long until = System.nanoTime() + YIELD_NANOS;
        do {
            Thread.yield();
            HandlerTask work = queue.poll();
            if (work != null) {
                return work;
            }
        } while (System.nanoTime() < until);
        try {
            return queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return null;
        }
    }

    private static final long YIELD_NANOS = 5_000;

    private void work(BlockingQueue<HandlerTask> queue, int slot) {
        while (true) {
            HandlerTask work = queue.poll();
            if (work == null) {
                work = awaitWork(queue);
            }
            if (work == null) {
                if (!accepting && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            if (parking) {
                if (work.park()) {
                    pipeline.park(work);
                }
                continue;
            }
            if (work.start()) {
                running[slot].work = work;
                try {
                    pipeline.process(work);
                } catch (RuntimeException | Error e) {
                    pipeline.failedOutsideHandler(work, e);
                } finally {
                    running[slot].work = null;
                    Thread.interrupted(); // a late shutdown interrupt must not leak into the next event
                }
            }
        }
    }

    boolean isWorker(Thread thread) {
        return threads.contains(thread);
    }

    /** No more work is queued after this returns; workers finish the queue, then stop. */
    void stopIntake() {
        intakeLock.writeLock().lock();
        try {
            accepting = false;
        } finally {
            intakeLock.writeLock().unlock();
        }
    }

    /** Waits for the workers to finish the queue; true if they did before the deadline. */
    boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The deadline passed: parks what is queued and running (their dead letters stored in
     * batches), and interrupts the workers.
     */
    void parkRemaining() {
        parking = true;
        List<HandlerTask> parked = new ArrayList<>();
        for (Slot slot : running) {
            HandlerTask work = slot.work;
            if (work != null && work.park()) {
                parked.add(work);
            }
        }
        for (BlockingQueue<HandlerTask> queue : queues) {
            HandlerTask work;
            while ((work = queue.poll()) != null) {
                if (work.park()) {
                    parked.add(work);
                }
            }
        }
        threads.forEach(Thread::interrupt);
        if (!parked.isEmpty()) {
            pipeline.park(parked);
        }
    }
}
