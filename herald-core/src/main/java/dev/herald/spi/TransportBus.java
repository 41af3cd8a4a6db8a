package dev.herald.spi;

import dev.herald.EventBus;
import dev.herald.internal.bus.TransportEventBus;
import java.util.Objects;

/**
 * Builds an {@link EventBus} over a {@link Transport}: the entry point for authors of
 * transports. Herald's own buses are built the same way. The bus does everything above the
 * transport (encoding, dispatch, retry, dead letters, shutdown); the transport moves bytes.
 *
 * <pre>{@code
 * public final class MyBusBuilder extends EventBusBuilder<MyBusBuilder> {
 *     @Override
 *     public EventBus build() {
 *         // settings(): the common options (source, retry, timeouts, thread factory...), validated
 *         return TransportBus.create(settings(), new MyTransport(), new MyDeadLetterStore());
 *     }
 * }
 * }</pre>
 *
 * <p>Prove a transport with the conformance suite in herald-testkit; the README's "Writing a
 * transport" has a whole example. Thread-safe (stateless).
 */
public final class TransportBus {

    private TransportBus() {
    }

    /**
     * A bus, not started, over a transport and a dead-letter store.
     *
     * @param settings the options every bus has, as collected by a {@link dev.herald.EventBusBuilder}
     * @param transport the transport; the bus starts it and closes it
     * @param store where the bus writes dead letters
     * @return the bus
     */
    public static EventBus create(BusSettings settings, Transport transport, DeadLetterStore store) {
        return create(settings, transport, store, () -> { });
    }

    /**
     * A bus, not started, over a transport and a dead-letter store, that releases what they share
     * once it has shut down.
     *
     * @param settings the options every bus has, as collected by a {@link dev.herald.EventBusBuilder}
     * @param transport the transport; the bus starts it and closes it
     * @param store where the bus writes dead letters
     * @param afterShutdown runs once at the end of {@link EventBus#shutdown()}, after the transport
     *     is closed and the last dead letter written: for connections the transport and the store share
     * @return the bus
     */
    public static EventBus create(BusSettings settings, Transport transport, DeadLetterStore store,
            Runnable afterShutdown) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(afterShutdown, "afterShutdown");
        return new TransportEventBus(settings, transport, store, afterShutdown);
    }
}
