package dev.herald.internal.bus;

import dev.herald.spi.BusObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bus's observer as its transport is given it ({@link dev.herald.spi.BusSettings#observer()}):
 * the user's observer, told everything, with a tally of the events the transport tells it were
 * missed and arrived late, per type, for {@link dev.herald.BusStats#missedCountedByType()} and
 * {@link dev.herald.BusStats#lateArrivalsByType()}. Both only rise. The bus itself tells the
 * user's observer directly ({@link #inner()}), so that with none set it does no observing work.
 * Thread-safe.
 */
public final class MissedTally implements BusObserver {

    private final BusObserver inner;
    private final Map<String, LongAdder> missed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> late = new ConcurrentHashMap<>();

    private MissedTally(BusObserver inner) {
        this.inner = inner;
    }

    /**
     * A tally, empty, around an observer (around its own observer if it is a tally).
     *
     * @param observer the observer, guarded
     * @return the tally
     */
    public static MissedTally around(BusObserver observer) {
        Objects.requireNonNull(observer, "observer");
        return new MissedTally(observer instanceof MissedTally t ? t.inner : observer);
    }

    /** The observer the tally tells everything. */
    public BusObserver inner() {
        return inner;
    }

    /** Per type, the events ever counted as missed. */
    public Map<String, Long> missedByType() {
        return sums(missed);
    }

    /** Per type, the events counted as missed that arrived late. */
    public Map<String, Long> lateByType() {
        return sums(late);
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new HashMap<>();
        counts.forEach((type, n) -> copy.put(type, n.sum()));
        return copy;
    }

    @Override
    public void missed(String eventType, long count) {
        missed.computeIfAbsent(eventType, t -> new LongAdder()).add(count);
        inner.missed(eventType, count);
    }

    @Override
    public void arrivedLate(String eventType, long count) {
        late.computeIfAbsent(eventType, t -> new LongAdder()).add(count);
        inner.arrivedLate(eventType, count);
    }

    @Override
    public PublishObservation publishStarted(Publish publish) {
        return inner.publishStarted(publish);
    }

    @Override
    public void received(Received received) {
        inner.received(received);
    }

    @Override
    public HandlerObservation handlerStarted(HandlerRun run) {
        return inner.handlerStarted(run);
    }

    @Override
    public void retryScheduled(Retry retry) {
        inner.retryScheduled(retry);
    }

    @Override
    public void deadLettered(DeadLettered deadLettered) {
        inner.deadLettered(deadLettered);
    }

    @Override
    public void deadLetterVoided(DeadLettered voided) {
        inner.deadLetterVoided(voided);
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
