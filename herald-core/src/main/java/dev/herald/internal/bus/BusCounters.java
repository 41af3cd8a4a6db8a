package dev.herald.internal.bus;

import dev.herald.BusStats;
import dev.herald.HandlerStats;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link dev.herald.EventBus#stats()}. Thread-safe. */
public final class BusCounters {
    final LongAdder published = new LongAdder();
    final LongAdder publishFailed = new LongAdder();
    public final LongAdder received = new LongAdder();
    public final LongAdder handled = new LongAdder();
    public final LongAdder retried = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder deadLettersVoided = new LongAdder();
    public final LongAdder parked = new LongAdder();
    public final LongAdder leftPending = new LongAdder();
    public final LongAdder deadLettersNotStored = new LongAdder();

    /**
     * @param handlers each handler's counters, as {@link BusStats#handlers()}
     * @param missedByType the transport's, as {@link BusStats#missedByType()}
     * @param tally what the transport told the bus's observer was missed and arrived late
     */
    public BusStats snapshot(List<HandlerStats> handlers, Map<String, Long> missedByType, MissedTally tally) {
        return new BusStats(published.sum(), publishFailed.sum(), received.sum(), handled.sum(), retried.sum(),
                deadLettered.sum(), deadLettersVoided.sum(), parked.sum(), leftPending.sum(), deadLettersNotStored.sum(),
                handlers, missedByType, tally.missedByType(), tally.lateByType());
    }
}
