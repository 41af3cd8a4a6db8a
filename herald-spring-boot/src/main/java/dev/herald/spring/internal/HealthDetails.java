package dev.herald.spring.internal;

import dev.herald.ConsumerGroupHealth;
import dev.herald.EventBus;
import dev.herald.Health;
import dev.herald.redis.PubSubHealth;
import dev.herald.redis.StreamsHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A bus's typed {@link Health} as the details of Spring Boot's health indicator named
 * {@code herald}, the same for every Boot version: state, mode, subscriptions, missed events,
 * reconnects, consumer groups' lag and pending entries, and dead letters. Reads the bus's
 * last known values, and the dead-letter queue's size (which may ask Redis). Thread-safe.
 */
public final class HealthDetails {

    private final EventBus bus;

    /**
     * @param bus the bus to report on
     */
    public HealthDetails(EventBus bus) {
        this.bus = Objects.requireNonNull(bus, "bus");
    }

    /**
     * Whether the bus is up, and why, with its values.
     *
     * @return the verdict and details
     */
    public Verdict verdict() {
        Health health = bus.health();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", health.state().name());
        health.transport(PubSubHealth.class).ifPresent(h -> details.put("mode", "pubsub"));
        health.transport(StreamsHealth.class).ifPresent(h -> details.put("mode", "streams"));
        details.put("detail", health.detail());
        details.put("subscriptions", health.subscriptions());
        details.put("missedEvents", health.missedEvents());
        details.put("reconnects", health.reconnects());
        details.put("deadLettered", health.deadLettered());
        details.put("deadLettersNotStored", health.deadLettersNotStored());
        try {
            details.put("deadLetterQueue", bus.deadLetters().size());
        } catch (RuntimeException e) {
            details.put("deadLetterQueue", "unknown: " + e.getMessage());
        }
        if (!health.groups().isEmpty()) {
            Map<String, Object> groups = new LinkedHashMap<>();
            for (ConsumerGroupHealth g : health.groups()) {
                Map<String, Object> group = new LinkedHashMap<>();
                group.put("eventType", g.eventType());
                g.lag().ifPresent(lag -> group.put("lag", lag));
                g.pending().ifPresent(pending -> group.put("pending", pending));
                group.put("lagging", g.lagging());
                groups.put(g.group(), group);
            }
            details.put("groups", groups);
        }
        return new Verdict(health.up(), details);
    }

    /**
     * A verdict with its details.
     *
     * @param up whether the bus is up
     * @param details its values, in order
     */
    public record Verdict(boolean up, Map<String, Object> details) {

        /** Copies the details, keeping their order. */
        public Verdict {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }
}
