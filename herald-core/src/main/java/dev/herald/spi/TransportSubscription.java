package dev.herald.spi;

/**
 * A live subscription of a listener to a topic, from {@link Transport#subscribe}.
 */
@FunctionalInterface
public interface TransportSubscription {

    /**
     * Stops taking messages for the listener. Messages the transport had already received may
     * still be handed to the listener afterwards (the bus parks what it no longer accepts), so
     * that nothing received is lost; a transport should hand them over before returning where it
     * can. Idempotent.
     */
    void cancel();
}
