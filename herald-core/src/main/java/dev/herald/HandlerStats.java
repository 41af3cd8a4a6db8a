package dev.herald;

import java.util.Map;
import java.util.Objects;

/**
 * Counters of one handler of a bus (one subscription) since the bus was built; in
 * {@link BusStats#handlers()}. A snapshot; immutable.
 *
 * @param eventType the event type it handles
 * @param handlerName the handler's name
 * @param received messages handed to its queue
 * @param handled events it handled
 * @param retried its calls after the first (retries)
 * @param deadLetters its dead letters written, by reason, every reason present (0 if none); these only
 *     rise: a dead letter voided later is counted in {@code voided}, not taken off here
 * @param voided of its {@link DeadLetter.Reason#SHUTDOWN} dead letters, those voided since: the handler
 *     finished the event after the shutdown's deadline had parked it, so it counts as handled too.
 *     Its dead letters now are the sum of {@code deadLetters} less {@code voided}
 * @param queued messages in its queue now, not yet handled
 */
public record HandlerStats(String eventType, String handlerName, long received, long handled, long retried,
        Map<DeadLetter.Reason, Long> deadLetters, long voided, int queued) {

    /** Checks for nulls and copies the map. */
    public HandlerStats {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(handlerName, "handlerName");
        deadLetters = Map.copyOf(Objects.requireNonNull(deadLetters, "deadLetters"));
    }
}
