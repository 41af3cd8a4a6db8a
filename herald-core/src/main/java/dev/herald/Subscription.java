package dev.herald;

/**
 * One handler's registration with an {@link EventBus}, returned by {@code subscribe}.
 *
 * <p>Thread-safe. {@link #cancel()} is idempotent.
 */
public interface Subscription {

    /**
     * The event type this subscription receives.
     *
     * @return the type name
     */
    String eventType();

    /**
     * The handler's name: in dead letters, logs and metrics, and (in Redis Streams mode) in the
     * consumer group's name, so renaming a handler there starts a new group.
     *
     * @return the handler name
     */
    String handlerName();

    /**
     * Whether the subscription still receives events: true from {@code subscribe} until
     * {@link #cancel()} or the bus's shutdown.
     *
     * @return whether it is active
     */
    boolean isActive();

    /**
     * Stops receiving new events. Events already received are still handled (or dead-lettered)
     * by the subscription's workers, which then stop. Does nothing if already cancelled.
     */
    void cancel();
}
