package dev.herald;

/**
 * Counters of one bus instance since it was built; a snapshot, from {@link EventBus#stats()}.
 *
 * <p>Each received event ends in exactly one of {@code handled}, {@code deadLettered} or
 * {@code leftPending} per handler, so once a bus is idle {@code received == handled + deadLettered + leftPending}.
 *
 * @param published events this bus published that its transport accepted
 * @param publishFailed publishes whose future failed
 * @param received deliveries handed to handlers' queues (one per event and handler)
 * @param handled handler completions
 * @param retried handler calls after the first (retries)
 * @param deadLettered dead letters written, of every reason
 * @param parked dead letters with reason {@link DeadLetter.Reason#SHUTDOWN}
 * @param leftPending received events a shutdown left unacknowledged for another instance (durable transports)
 */
public record BusStats(long published, long publishFailed, long received, long handled, long retried,
        long deadLettered, long parked, long leftPending) {
}
