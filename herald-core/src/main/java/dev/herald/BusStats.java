package dev.herald;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counters of one bus instance since it was built; a snapshot, from {@link EventBus#stats()}.
 *
 * <p>Each received event ends in exactly one of {@code handled}, {@code deadLettered} or
 * {@code leftPending} per handler, so once a bus is idle {@code received == handled + deadLettered + leftPending}.
 * Of {@code deadLettered}, {@code deadLettersNotStored} could not be stored (the store was
 * unreachable) and exist only in the log. {@code handlers} splits {@code received}, {@code handled},
 * {@code retried}, {@code deadLettered} and {@code deadLettersVoided} by handler: each sums up to the
 * bus's count. The counts that only rise, fit for monotonic counters (metrics), are those of
 * {@code handlers} and {@code missedCountedByType}, {@code lateArrivalsByType}; {@code deadLettered},
 * {@code parked} and {@code missedByType} are net figures that fall when a dead letter is voided or
 * a missed event arrives late.
 *
 * @param published events this bus published that its transport accepted
 * @param publishFailed publishes whose future failed
 * @param received deliveries handed to handlers' queues (one per event and handler)
 * @param handled handler completions
 * @param retried handler calls after the first (retries)
 * @param deadLettered dead letters written, of every reason, stored or only logged, less those voided
 *     since; one per event and handler, so an oversized message for two handlers counts twice although
 *     it is stored once
 * @param deadLettersVoided {@link DeadLetter.Reason#SHUTDOWN} dead letters voided after they were written
 *     (the handler finished the event after the shutdown's deadline had parked it): taken off
 *     {@code deadLettered} and {@code parked}, and counted in {@code handled}
 * @param parked dead letters with reason {@link DeadLetter.Reason#SHUTDOWN}
 * @param leftPending received events a shutdown or a cancelled subscription left unacknowledged, for
 *     another instance or a later subscription to take (durable transports)
 * @param deadLettersNotStored dead letters (counted in {@code deadLettered}) that the store could not
 *     take: written to the log only, raw message in base64
 * @param handlers one per handler subscribed on this bus since it was built, in the order of their
 *     first subscription, cancelled ones included (a handler subscribed again under the same name
 *     goes on counting in its entry)
 * @param missedByType per event type, the events this bus's subscriber never received and knows it
 *     missed: in Redis Pub/Sub mode, those published while it was disconnected or cut off by Redis
 *     (or dropped by its full subscriber buffer), as counted from the publishers' sequence numbers,
 *     an event that arrives late taken off again; they sum up to {@code PubSubHealth.missedEvents()}.
 *     Empty for transports that cannot miss events (in-memory, Redis Streams)
 * @param missedCountedByType per event type, the events ever counted as missed, late ones included:
 *     only rises
 * @param lateArrivalsByType per event type, the events counted as missed that arrived late after all
 *     (a publish retried after a reconnect overtaken by a later one) and were delivered: only rises;
 *     {@code missedByType} is {@code missedCountedByType} less these
 */
public record BusStats(long published, long publishFailed, long received, long handled, long retried,
        long deadLettered, long deadLettersVoided, long parked, long leftPending, long deadLettersNotStored,
        List<HandlerStats> handlers, Map<String, Long> missedByType, Map<String, Long> missedCountedByType,
        Map<String, Long> lateArrivalsByType) {

    /** Checks for nulls and copies the collections. */
    public BusStats {
        handlers = List.copyOf(Objects.requireNonNull(handlers, "handlers"));
        missedByType = Map.copyOf(Objects.requireNonNull(missedByType, "missedByType"));
        missedCountedByType = Map.copyOf(Objects.requireNonNull(missedCountedByType, "missedCountedByType"));
        lateArrivalsByType = Map.copyOf(Objects.requireNonNull(lateArrivalsByType, "lateArrivalsByType"));
    }
}
