package dev.herald;

import java.time.Duration;
import java.util.Objects;

/**
 * What a bus did with the events it received, as reported by
 * {@link EventBus#shutdown(Duration)}: every received event was handled or dead-lettered.
 *
 * <p>A dead letter that its store could not take (Redis unreachable) is written to the log
 * instead, with its raw message in base64: it is counted in {@code deadLettered} and, as well, in
 * {@code deadLettersNotStored}, so {@code deadLettered - deadLettersNotStored} were stored. A
 * shutdown's dead-letter writes end at most 1 s after its deadline: the dead letters not stored
 * by then are among {@code deadLettersNotStored} (one whose write was under way at that moment
 * may have reached the store all the same, and is then in both).
 *
 * @param handled handler completions over the bus's life (one event with two handlers counts twice)
 * @param deadLettered dead letters written over the bus's life, {@code parked} included, stored or
 *     only logged; one per event and handler (an oversized message is stored once for all its handlers)
 * @param parked dead letters with reason {@link DeadLetter.Reason#SHUTDOWN} written by this shutdown:
 *     work that could not finish by the deadline
 * @param leftPending events of a durable transport (Redis Streams) that were received but not
 *     finished by the deadline and stay pending, unacknowledged, for another instance to take
 * @param completedInTime whether every received event was finished before the deadline
 * @param took how long the shutdown took
 * @param deadLettersNotStored of {@code deadLettered}, those the dead-letter store could not take
 *     over the bus's life: they exist only in the log (at ERROR, raw message in base64)
 */
public record ShutdownReport(long handled, long deadLettered, long parked, long leftPending, boolean completedInTime,
        Duration took, long deadLettersNotStored) {

    /** Validates the values. */
    public ShutdownReport {
        Objects.requireNonNull(took, "took");
        if (handled < 0 || deadLettered < 0 || parked < 0 || leftPending < 0 || deadLettersNotStored < 0) {
            throw new IllegalArgumentException("counts must be >= 0: handled=" + handled
                    + ", deadLettered=" + deadLettered + ", parked=" + parked + ", leftPending=" + leftPending
                    + ", deadLettersNotStored=" + deadLettersNotStored);
        }
    }
}
