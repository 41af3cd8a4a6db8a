package dev.herald.spi;

/**
 * One message handed by a transport to one listener.
 *
 * <p>The bus calls {@link #ack()} exactly once, after the handler completed the message or it
 * became a dead letter; a transport with redelivery delivers an unacknowledged message again.
 * Must be safe to acknowledge from any thread.
 */
public interface Delivery {

    /**
     * The message as received. The bus does not modify the array, and transports may hand the
     * same array to several listeners.
     *
     * @return the raw bytes
     */
    byte[] body();

    /**
     * How many times this message has been delivered to this listener, this time included
     * (1 for transports without redelivery; a transport that records starts in
     * {@link #handlerStarting()} counts the earlier deliveries that reached the handler).
     *
     * @return at least 1
     */
    default int deliveryCount() {
        return 1;
    }

    /** Confirms the message is finished (handled or dead-lettered). */
    default void ack() {
    }

    /**
     * Whether the transport will deliver this message again if it is never acknowledged (a
     * durable transport with consumer groups). A shutdown then leaves unfinished work pending for
     * another instance instead of parking it as a dead letter.
     *
     * @return false by default
     */
    default boolean redeliverable() {
        return false;
    }

    /**
     * Whether this message was delivered more often than the transport's delivery limit without
     * being acknowledged (consumers crashed or stopped while handling it): the bus then
     * dead-letters it without calling the handler again, so a poison message never circulates
     * forever.
     *
     * @return false by default
     */
    default boolean overDeliveryLimit() {
        return false;
    }

    /**
     * Called by the bus once, on the worker's thread, when it starts on this message for its
     * handler: after the {@link #overDeliveryLimit()} check (never for a message over the
     * limit), before decoding and the handler's first attempt. A transport that counts deliveries
     * records this start here, synchronously, so that it is recorded even if the process dies in
     * the handler, and so that only deliveries that reached the handler count towards the limit:
     * a message read but never started (its consumer died first) does not. It should not throw:
     * a start it cannot record is the transport's to log.
     *
     * @return true to go on; false if the message is no longer this listener's to handle (another
     *     consumer of a durable transport took it over since it was handed over): the bus then
     *     neither runs the handler nor acknowledges it, and counts it as left pending
     */
    default boolean handlerStarting() {
        return true;
    }

    /**
     * Called by the bus instead of {@link #ack()} when it leaves a {@link #redeliverable()}
     * message unfinished for redelivery (its subscription was cancelled, or a shutdown's deadline
     * came, before the handler finished it): the transport may deliver it again, also to this
     * instance, to a handler subscribed again under the same name. Called at most once, never
     * after {@link #ack()}; it should not throw.
     */
    default void release() {
    }

    /**
     * A delivery of bytes that needs no acknowledgement.
     *
     * @param body the message
     * @return the delivery
     */
    static Delivery of(byte[] body) {
        return () -> body;
    }
}
