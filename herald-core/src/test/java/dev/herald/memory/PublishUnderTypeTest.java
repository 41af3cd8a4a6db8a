package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.Metadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link EventBus#publish(String, Object, Metadata)}: an event sent under a type named by the caller. */
class PublishUnderTypeTest {

    /** No {@code @EventType}: only publishable under a type given by the caller. */
    record Shipped(String orderId) {
    }

    /** The receiving side's own class for the type. */
    @EventType("test.order-shipped")
    record ShippedView(String orderId) {
    }

    @EventType("test.order-placed")
    record Placed(String orderId) {
    }

    private final EventBus bus = InMemoryEventBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void anEventWithoutEventTypeReachesTheSubscribersOfTheTypeItWasPublishedUnder() {
        List<ShippedView> typed = new CopyOnWriteArrayList<>();
        List<Object> byName = new CopyOnWriteArrayList<>();
        bus.subscribe(ShippedView.class, e -> typed.add(e.payload()));
        bus.subscribe("test.order-shipped", e -> byName.add(e.payload()));
        bus.start();

        Envelope<Shipped> sent = bus.publish("test.order-shipped", new Shipped("42"), Metadata.correlationId("req-1")).join();

        assertThat(sent.type()).isEqualTo("test.order-shipped");
        assertThat(sent.payload()).isEqualTo(new Shipped("42"));
        assertThat(sent.correlationId()).isEqualTo("req-1");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(typed).containsExactly(new ShippedView("42"));
            assertThat(byName).containsExactly(new ShippedView("42"));
        });
    }

    @Test
    void anAnnotatedClassPublishedUnderAnotherTypeGoesThereAndKeepsItsOwnType() {
        List<Object> other = new CopyOnWriteArrayList<>();
        List<Placed> own = new CopyOnWriteArrayList<>();
        bus.subscribe("test.order-audited", e -> other.add(e.payload()));
        bus.subscribe(Placed.class, e -> own.add(e.payload()));
        bus.start();

        bus.publish("test.order-audited", new Placed("1"), Metadata.empty()).join();
        bus.publish(new Placed("2")).join();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(other).containsExactly(Map.of("orderId", "1"));
            assertThat(own).containsExactly(new Placed("2"));
        });
    }

    @Test
    void anInvalidOrReservedTypeFailsTheFutureNamingIt() {
        bus.start();

        assertThat(bus.publish("herald.heartbeat", new Shipped("1"), Metadata.empty()))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IllegalArgumentException.class).withMessageContaining("'herald.heartbeat' is reserved");
        assertThat(bus.publish("order placed", new Shipped("1"), Metadata.empty()))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IllegalArgumentException.class).withMessageContaining("'order placed' is invalid");
        assertThat(bus.stats().published()).isZero();
    }

    @Test
    void aBusNotStartedFailsTheFuture() {
        assertThat(bus.publish("test.order-shipped", new Shipped("1"), Metadata.empty()))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IllegalStateException.class);
    }
}
