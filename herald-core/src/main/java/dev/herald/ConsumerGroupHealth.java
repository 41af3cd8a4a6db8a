package dev.herald;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One consumer group a bus reads, with its backlog as last checked: in Redis Streams, a
 * handler's group on its type's stream. Immutable.
 *
 * @param eventType the type whose events the group reads
 * @param group the group's name (in Redis Streams {@code <source>:<handler name>})
 * @param lag entries not yet read by the group; empty until first checked, or where the server
 *     does not tell (Redis before 7)
 * @param pending entries read and not yet acknowledged; empty until first checked
 * @param lagging whether the group is so far behind that entries it has not read may be dropped
 *     first (in Redis Streams: near the stream's retention); such a group makes the bus unhealthy
 */
public record ConsumerGroupHealth(String eventType, String group, OptionalLong lag, OptionalLong pending,
        boolean lagging) {

    /** Validates. */
    public ConsumerGroupHealth {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(pending, "pending");
        if (lag.orElse(0) < 0 || pending.orElse(0) < 0) {
            throw new IllegalArgumentException("lag and pending cannot be negative: lag " + lag + ", pending " + pending);
        }
    }
}
