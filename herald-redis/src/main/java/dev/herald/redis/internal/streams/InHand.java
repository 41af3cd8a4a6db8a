package dev.herald.redis.internal.streams;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The entries of one consumer group that this instance handed over to its handler and has not
 * finished yet: queued or running. Pending with this consumer, they are not to be taken back; an
 * entry pending with this consumer and not in hand was lost on the way (the reply to a read, or an
 * acknowledgement, lost with a connection) or left for redelivery by the bus (a cancelled
 * subscription, a shutdown), and is.
 *
 * <p>Kept per read rather than per entry, so the read path allocates nothing per entry: a read
 * adds its ids as one {@link Batch}, an acknowledgement (or the bus leaving the entry for
 * redelivery) marks its entry done, and batches whose entries are all done are dropped: the
 * oldest at each read, and all of them every {@value #PRUNE_EVERY} reads, so that an entry that
 * never finishes (a hung handler) keeps only its own read. What is kept is bounded by the reads
 * with unfinished entries, which the handler's queue bounds, not by the entries read. Thread-safe:
 * readers add, workers mark done, the claiming reader asks for {@link #ids()}.
 */
final class InHand {

    /** The entries of one read, or of one page taken from the pending list. */
    static final class Batch {
        private final String[] ids;
        private final AtomicIntegerArray done;
        private final AtomicInteger left;
        private final long handedOverNanos;

        private Batch(String[] ids) {
            this.ids = ids;
            this.done = new AtomicIntegerArray(ids.length);
            this.left = new AtomicInteger(ids.length);
            this.handedOverNanos = System.nanoTime(); // one clock read per read, not per entry
        }

        /** How long ago (in nanoseconds) its entries were read and handed over, as of {@code nowNanos}. */
        long waitedNanos(long nowNanos) {
            return nowNanos - handedOverNanos;
        }

        /** Marks the entry at {@code index} done (acknowledged, or left for redelivery); a second call changes nothing. */
        void done(int index) {
            if (done.compareAndSet(index, 0, 1)) {
                left.decrementAndGet();
            }
        }

        private boolean finished() {
            return left.get() == 0;
        }
    }

    /** How many reads at most between two clean-ups of the finished batches behind an unfinished one. */
    static final int PRUNE_EVERY = 64;

    private final ConcurrentLinkedQueue<Batch> batches = new ConcurrentLinkedQueue<>();
    private final AtomicInteger reads = new AtomicInteger();

    /**
     * Adds the entries about to be handed over, in the order of {@code ids}; the entry at index
     * {@code i} is marked done with {@code batch.done(i)}.
     */
    Batch add(String[] ids) {
        Batch batch = new Batch(ids);
        batches.add(batch);
        for (Batch first = batches.peek(); first != null && first != batch && first.finished(); first = batches.peek()) {
            batches.remove(first); // cheap on every read: the oldest reads are usually done
        }
        if (reads.incrementAndGet() % PRUNE_EVERY == 0) {
            batches.removeIf(Batch::finished); // those behind an unfinished one (a hung handler) too
        }
        return batch;
    }

    /** The ids in hand now; drops every finished batch (one stuck entry may hold back the oldest). */
    Set<String> ids() {
        batches.removeIf(Batch::finished);
        Set<String> ids = new HashSet<>();
        for (Batch batch : batches) {
            for (int i = 0; i < batch.ids.length; i++) {
                if (batch.done.get(i) == 0) {
                    ids.add(batch.ids[i]);
                }
            }
        }
        return ids;
    }

    /** How many reads (or pages) are kept: for tests. */
    int batchesKept() {
        return batches.size();
    }
}
