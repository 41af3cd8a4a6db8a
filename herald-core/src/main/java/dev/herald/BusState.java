package dev.herald;

/**
 * The lifecycle of an {@link EventBus}, which only moves forward:
 * {@code NEW → RUNNING → STOPPING → TERMINATED}; a {@link EventBus#start()} that fails goes
 * from {@code NEW} through {@code STOPPING} to {@code TERMINATED}.
 *
 * <ul>
 *   <li>{@link #NEW}: subscriptions may be added; publishing fails.</li>
 *   <li>{@link #RUNNING}: after {@link EventBus#start()} returned, every subscription is live.</li>
 *   <li>{@link #STOPPING}: {@link EventBus#shutdown(java.time.Duration)} is draining; only
 *       handlers still running may publish.</li>
 *   <li>{@link #TERMINATED}: shut down; dead letters stay readable. A bus is not restarted:
 *       build a new one.</li>
 * </ul>
 */
public enum BusState {
    /** Built, not started. */
    NEW,
    /** Started: receiving and publishing. */
    RUNNING,
    /** Shutting down: no intake, finishing received work. */
    STOPPING,
    /** Shut down. */
    TERMINATED
}
