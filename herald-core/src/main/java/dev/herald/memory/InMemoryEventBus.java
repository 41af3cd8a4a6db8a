package dev.herald.memory;

import dev.herald.BusState;
import dev.herald.BusStats;
import dev.herald.DeadLetterQueue;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventBusBuilder;
import dev.herald.EventHandler;
import dev.herald.Health;
import dev.herald.Metadata;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.spi.BusSettings;
import dev.herald.spi.TransportBus;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link dev.herald.EventBus} inside one JVM: the embedded bus for single-process use, and a
 * stand-in for the Redis bus in users' unit tests. Same API, same retries, dead letters and
 * graceful shutdown; events travel as the same CloudEvents JSON.
 *
 * <pre>{@code
 * EventBus bus = InMemoryEventBus.builder()
 *         .source("orders-service")
 *         .retry(RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 5))
 *         .build();
 * bus.subscribe(OrderPlaced.class, e -> mailer.confirm(e.payload()));
 * bus.start();
 * bus.publish(new OrderPlaced("42", 9950)).join();
 * bus.shutdown();
 * }</pre>
 *
 * <p>Delivery caveat: like Redis Pub/Sub, an event is delivered to the handlers subscribed when
 * it is published, and to nobody else; nothing survives the JVM. The publish future completes
 * once every subscribed handler's queue holds the event (the publisher waits while a queue is
 * full). Dead letters are kept in memory, the newest 10,000 by default. Thread-safe.
 *
 * <p>Because delivery happens on the publisher's thread, a handler that publishes an event of its
 * own type and waits for the future ({@code join()}) while its own queue is full waits for itself:
 * in handlers, publish without waiting, or give such a handler a queue large enough.
 */
public final class InMemoryEventBus implements EventBus {

    private final EventBus bus;

    private InMemoryEventBus(Builder builder) {
        this.bus = TransportBus.create(builder.busSettings(), new InMemoryTransport(builder.broker),
                new InMemoryDeadLetterStore(builder.deadLetterRetention));
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(E event, Metadata metadata) {
        return bus.publish(event, metadata);
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(String eventType, E event, Metadata metadata) {
        return bus.publish(eventType, event, metadata);
    }

    @Override
    public <E> Subscription subscribe(Class<E> eventClass, SubscriptionOptions options, EventHandler<E> handler) {
        return bus.subscribe(eventClass, options, handler);
    }

    @Override
    public Subscription subscribe(String eventType, SubscriptionOptions options, EventHandler<Object> handler) {
        return bus.subscribe(eventType, options, handler);
    }

    @Override
    public void start() {
        bus.start();
    }

    @Override
    public ShutdownReport shutdown() {
        return bus.shutdown();
    }

    @Override
    public ShutdownReport shutdown(Duration timeout) {
        return bus.shutdown(timeout);
    }

    @Override
    public DeadLetterQueue deadLetters() {
        return bus.deadLetters();
    }

    @Override
    public BusState state() {
        return bus.state();
    }

    @Override
    public Health health() {
        return bus.health();
    }

    @Override
    public BusStats stats() {
        return bus.stats();
    }

    @Override
    public String toString() {
        return bus.toString();
    }

    /**
     * A builder with defaults: its own broker, source {@code "herald"}, {@link dev.herald.RetryPolicy#defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link InMemoryEventBus}es. Not thread-safe. */
    public static final class Builder extends EventBusBuilder<Builder> {

        /** Default {@link #deadLetterRetention(int)}. */
        public static final int DEFAULT_DEAD_LETTER_RETENTION = 10_000;

        private InMemoryBroker broker = new InMemoryBroker();
        private int deadLetterRetention = DEFAULT_DEAD_LETTER_RETENTION;

        private Builder() {
        }

        /**
         * Connects the bus to a broker shared with other buses, so they exchange events.
         *
         * @param broker the broker
         * @return this builder
         */
        public Builder broker(InMemoryBroker broker) {
            this.broker = Objects.requireNonNull(broker, "broker");
            return this;
        }

        /**
         * How many dead letters are kept; past it the oldest is dropped, with a warning.
         *
         * @param max at least 1; default 10,000
         * @return this builder
         */
        public Builder deadLetterRetention(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("deadLetterRetention must be >= 1 but was " + max);
            }
            this.deadLetterRetention = max;
            return this;
        }

        private BusSettings busSettings() {
            return settings();
        }

        @Override
        public InMemoryEventBus build() {
            return new InMemoryEventBus(this);
        }
    }
}
