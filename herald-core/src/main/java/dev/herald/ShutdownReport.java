package dev.herald;

import java.time.Duration;
import java.util.Objects;

/**
 * What a bus did with the events it received, as reported by
 * {@link EventBus#shutdown(Duration)}: every received event was handled or dead-lettered.
 *
 * @param handled handler completions over the bus's life (one event with two handlers counts twice)
 * @param deadLettered dead letters written over the bus's life, {@code parked} included
 * @param parked dead letters with reason {@link DeadLetter.Reason#SHUTDOWN} written by this shutdown:
 *     work that could not finish by the deadline
 * @param leftPending events of a durable transport (Redis Streams) that were received but not
 *     finished by the deadline and stay pending, unacknowledged, for another instance to take
 * @param completedInTime whether every received event was finished before the deadline
 * @param took how long the shutdown took
 */
public record ShutdownReport(long handled, long deadLettered, long parked, long leftPending, boolean completedInTime,
        Duration took) {

    /** Validates the values. */
    public ShutdownReport {
        Objects.requireNonNull(took, "took");
        if (handled < 0 || deadLettered < 0 || parked < 0 || leftPending < 0) {
            throw new IllegalArgumentException("counts must be >= 0: handled=" + handled
                    + ", deadLettered=" + deadLettered + ", parked=" + parked + ", leftPending=" + leftPending);
        }
    }
}
