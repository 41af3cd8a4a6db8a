package dev.herald;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a bus can do its job now, from {@link EventBus#health()}: for readiness probes,
 * dashboards and metrics. Reading it does no I/O: the values are the last ones the bus and its
 * transport's own loops (a heartbeat, a reader) observed.
 *
 * <p>A Redis bus is down while it is disconnected, or when its heartbeat, sent through Redis on
 * its own subscription, has not come back in time ("deaf" subscription). Values of one transport
 * are in {@link #transport()}: {@code health.transport(PubSubHealth.class)} (package
 * {@code dev.herald.redis}) for example. Immutable.
 *
 * @param state the bus's lifecycle state; a bus that is not {@link BusState#RUNNING} is down
 * @param up whether the bus is running and its transport works end to end
 * @param detail a one-line explanation, such as {@code "no heartbeat through ... for 12000 ms"}
 * @param transport the transport's own verdict and values, also while the bus is not running
 */
public record Health(BusState state, boolean up, String detail, TransportHealth transport) {

    /** Validates. */
    public Health {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(transport, "transport");
        if (up && state != BusState.RUNNING) {
            throw new IllegalArgumentException("a bus that is " + state + " cannot be up");
        }
        if (up && !transport.up()) {
            throw new IllegalArgumentException("a bus whose transport is down cannot be up: " + transport.detail());
        }
    }

    /**
     * Events this bus's subscriber missed, counted by its transport (Redis Pub/Sub: from the
     * publishers' sequence numbers; see {@link TransportHealth#missedEvents()}).
     *
     * @return the count since the bus was built; 0 for transports that miss nothing
     */
    public long missedEvents() {
        return transport.missedEvents();
    }

    /**
     * The consumer groups this bus reads, with their backlog (durable transports).
     *
     * @return one per group; empty for transports without groups
     */
    public List<ConsumerGroupHealth> groups() {
        return transport.groups();
    }

    /**
     * The transport's values, if it is of the given kind.
     *
     * @param type the kind, such as {@code PubSubHealth.class} or {@code StreamsHealth.class}
     * @param <T> the kind
     * @return the transport's health as that kind, or empty for another transport
     */
    public <T extends TransportHealth> Optional<T> transport(Class<T> type) {
        return type.isInstance(transport) ? Optional.of(type.cast(transport)) : Optional.empty();
    }
}
