package dev.herald;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a bus can do its job now, from {@link EventBus#health()}: for readiness probes,
 * dashboards and metrics. Reading it does no I/O: the values are the last ones the bus and its
 * transport's own loops (a heartbeat, a reader) observed.
 *
 * <p>What an operator asks of a bus, and where it is: up or down and why ({@link #up()},
 * {@link #detail()}); its subscriptions and whether they are verified ({@link #subscriptions()}:
 * each was confirmed by the transport when it was made, and is then checked end to end, a failed
 * check making the bus down with the reason in {@code detail}); reconnects ({@link #reconnects()});
 * missed events ({@link #missedEvents()}); each consumer group's lag and pending entries
 * ({@link #groups()}), against the stream's retention in Redis Streams
 * ({@code StreamsHealth.streamRetention()}); dead letters ({@link #deadLettered()},
 * {@link #deadLettersNotStored()}). A Redis Pub/Sub bus is down while it is disconnected, or when
 * its heartbeat, sent through Redis on its own subscription, has not come back in time ("deaf"
 * subscription; its age is {@code PubSubHealth.heartbeatAge()}); a Streams bus while Redis does not
 * answer, a reader reads nothing, or a group lags near the retention. Values of one transport are
 * in {@link #transport()}: {@code health.transport(PubSubHealth.class)} (package
 * {@code dev.herald.redis}) for example. Immutable.
 *
 * @param state the bus's lifecycle state; a bus that is not {@link BusState#RUNNING} is down
 * @param up whether the bus is running and its transport works end to end
 * @param detail a one-line explanation, such as {@code "no heartbeat through ... for 12000 ms"}
 * @param transport the transport's own verdict and values, also while the bus is not running
 * @param subscriptions the handlers subscribed on this bus now (cancelled ones not counted); on a
 *     running bus each was confirmed live by the transport before {@code start()} or
 *     {@code subscribe()} returned, and while the bus is {@link #up()} the transport's checks
 *     (the Pub/Sub heartbeat through the subscription, each Streams reader's reads) verify them still
 * @param deadLettered dead letters this bus wrote since it was built, of every reason, as
 *     {@link BusStats#deadLettered()}; the dead-letter queue, which every instance shares, is
 *     {@code bus.deadLetters().size()} (it may ask Redis)
 * @param deadLettersNotStored of {@code deadLettered}, those the store could not take: they are
 *     only in the log, as {@link BusStats#deadLettersNotStored()}
 */
public record Health(BusState state, boolean up, String detail, TransportHealth transport, int subscriptions,
        long deadLettered, long deadLettersNotStored) {

    /** Validates. */
    public Health {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(transport, "transport");
        if (subscriptions < 0 || deadLettered < 0 || deadLettersNotStored < 0 || deadLettersNotStored > deadLettered) {
            throw new IllegalArgumentException("counts cannot be negative, nor more dead letters not stored than written:"
                    + " subscriptions " + subscriptions + ", deadLettered " + deadLettered + ", deadLettersNotStored "
                    + deadLettersNotStored);
        }
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
     * Times the transport's connections to its server were made again after they were lost
     * ({@link TransportHealth#reconnects()}).
     *
     * @return the count since the bus was built; 0 for transports that never disconnect
     */
    public long reconnects() {
        return transport.reconnects();
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
