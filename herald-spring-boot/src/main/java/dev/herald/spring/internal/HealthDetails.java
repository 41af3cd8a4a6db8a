package dev.herald.spring.internal;

import dev.herald.ConsumerGroupHealth;
import dev.herald.EventBus;
import dev.herald.Health;
import dev.herald.redis.PubSubHealth;
import dev.herald.redis.StreamsHealth;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A bus's typed {@link Health} as the details of Spring Boot's health indicator named
 * {@code herald}, the same for every Boot version: state, mode, subscriptions, missed events,
 * reconnects, consumer groups' lag and pending entries, and dead letters. Reads the bus's
 * last known values, and the dead-letter queue's size, which asks Redis: that wait is bounded
 * ({@link #SIZE_TIMEOUT}), so that while Redis hangs a health check answers at once rather than
 * after the store's timeout, with the size unknown (and the last one known). One lookup at a
 * time: a health check while one is out waits for that one, on a daemon thread of its own.
 * Thread-safe.
 */
public final class HealthDetails {

    /** How long a health check waits for the dead-letter queue's size. */
    public static final Duration SIZE_TIMEOUT = Duration.ofMillis(500);

    private final EventBus bus;
    private final Duration sizeTimeout;
    private @Nullable CompletableFuture<Long> sizing;
    private @Nullable Long lastSize;

    /**
     * @param bus the bus to report on
     */
    public HealthDetails(EventBus bus) {
        this(bus, SIZE_TIMEOUT);
    }

    /**
     * @param bus the bus to report on
     * @param sizeTimeout how long to wait for the dead-letter queue's size
     */
    public HealthDetails(EventBus bus, Duration sizeTimeout) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.sizeTimeout = Objects.requireNonNull(sizeTimeout, "sizeTimeout");
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
        details.put("deadLetterQueue", deadLetterQueueSize());
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

    /** The size, or why it is unknown. */
    private Object deadLetterQueueSize() {
        CompletableFuture<Long> lookup = lookup();
        try {
            long size = lookup.get(sizeTimeout.toNanos(), TimeUnit.NANOSECONDS);
            synchronized (this) {
                lastSize = size;
            }
            return size;
        } catch (TimeoutException e) {
            Long last;
            synchronized (this) {
                last = lastSize;
            }
            return "unknown: Redis did not answer within " + sizeTimeout + (last == null ? "" : "; last known " + last);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "unknown: " + cause.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown: interrupted";
        }
    }

    /** The lookup out, or a new one. */
    private synchronized CompletableFuture<Long> lookup() {
        CompletableFuture<Long> out = sizing;
        if (out == null || out.isDone()) {
            out = CompletableFuture.supplyAsync(() -> bus.deadLetters().size(), HealthDetails::daemon);
            sizing = out;
        }
        return out;
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "herald-health-dead-letters");
        thread.setDaemon(true);
        thread.start();
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
