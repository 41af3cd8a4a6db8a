package dev.herald.internal;

import dev.herald.BusStats;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link dev.herald.EventBus#stats()}. Thread-safe. */
public final class BusCounters {
    final LongAdder published = new LongAdder();
    final LongAdder publishFailed = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder handled = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder parked = new LongAdder();
    final LongAdder leftPending = new LongAdder();
    final LongAdder deadLettersNotStored = new LongAdder();

    public BusStats snapshot() {
        return new BusStats(published.sum(), publishFailed.sum(), received.sum(), handled.sum(), retried.sum(),
                deadLettered.sum(), parked.sum(), leftPending.sum(), deadLettersNotStored.sum());
    }
}
