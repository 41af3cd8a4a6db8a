package dev.herald;

import java.util.List;
import java.util.Objects;

/**
 * A transport's verdict on itself, with the values behind it: the part of {@link Health} that
 * differs between transports. Each transport returns its own kind (a record), such as
 * {@code dev.herald.redis.PubSubHealth}; values every kind can answer are methods here.
 * Implementations are immutable snapshots, taken without I/O.
 */
public interface TransportHealth {

    /**
     * Whether the transport works now, end to end.
     *
     * @return the verdict
     */
    boolean up();

    /**
     * A one-line explanation of the verdict.
     *
     * @return the explanation
     */
    String detail();

    /**
     * Events the transport knows it missed (published, never received), such as Redis Pub/Sub
     * events published while the subscriber was disconnected.
     *
     * @return the count since the transport was built; by default 0
     */
    default long missedEvents() {
        return 0;
    }

    /**
     * Times the transport's connections to its server were made again after they were lost, such
     * as a Redis subscriber's or a Streams reader's.
     *
     * @return the count since the transport was built; by default 0 (a transport that never disconnects)
     */
    default long reconnects() {
        return 0;
    }

    /**
     * The consumer groups read, with their backlog, for transports that have them.
     *
     * @return one per group; by default none
     */
    default List<ConsumerGroupHealth> groups() {
        return List.of();
    }

    /**
     * A verdict with no values behind it, for transports that keep none.
     *
     * @param up whether the transport works
     * @param detail the explanation
     */
    record Basic(boolean up, String detail) implements TransportHealth {

        /** Validates. */
        public Basic {
            Objects.requireNonNull(detail, "detail");
        }
    }
}
