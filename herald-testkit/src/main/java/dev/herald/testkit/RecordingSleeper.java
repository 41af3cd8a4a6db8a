package dev.herald.testkit;

import dev.herald.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Sleeper} that records each requested delay and returns at once, so tests check
 * backoff without waiting. Thread-safe.
 */
public final class RecordingSleeper implements Sleeper {

    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    /** Creates a sleeper with no recorded delays. */
    public RecordingSleeper() {
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        delays.add(duration);
    }

    /**
     * The delays requested so far, in order.
     *
     * @return a snapshot
     */
    public List<Duration> delays() {
        return List.copyOf(delays);
    }
}
