package dev.herald.spi;

/**
 * A live subscription of a listener to a topic, from {@link Transport#subscribe}.
 */
@FunctionalInterface
public interface TransportSubscription {

    /**
     * Stops delivering to the listener. When it returns, no further call of the listener starts.
     * Idempotent.
     */
    void cancel();
}
