package dev.herald;

import java.util.Map;
import java.util.Objects;

/**
 * Whether a bus can do its job now, from {@link EventBus#health()}: for readiness probes and
 * dashboards.
 *
 * <p>A Redis bus is down while it is disconnected, or when its heartbeat, sent through Redis on
 * its own subscription, has not come back in time ("deaf" subscription). Immutable.
 *
 * @param up whether the bus is running and its transport works end to end
 * @param detail a one-line explanation, such as {@code "heartbeat not received for 12 s"}
 * @param counters numbers behind the verdict, such as {@code reconnects} or {@code missedEvents}
 */
public record Health(boolean up, String detail, Map<String, Long> counters) {

    /** Validates and copies. */
    public Health {
        Objects.requireNonNull(detail, "detail");
        counters = Map.copyOf(counters);
    }

    /**
     * A healthy verdict.
     *
     * @param detail the explanation
     * @return health that is up
     */
    public static Health up(String detail) {
        return new Health(true, detail, Map.of());
    }

    /**
     * An unhealthy verdict.
     *
     * @param detail the explanation
     * @return health that is down
     */
    public static Health down(String detail) {
        return new Health(false, detail, Map.of());
    }
}
