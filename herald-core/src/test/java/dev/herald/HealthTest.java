package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.memory.InMemoryEventBus;
import org.junit.jupiter.api.Test;

class HealthTest {

    @EventType("test.health")
    record Item(int n) {
    }

    /** A transport's own kind of health, as a transport module would declare it. */
    record CustomHealth(boolean up, String detail, long missedEvents, long reconnects) implements TransportHealth {
    }

    @Test
    void aBusIsUpOnlyWhileRunningAndShowsItsTransportsValuesInEveryState() {
        EventBus bus = InMemoryEventBus.builder().build();
        Health built = bus.health();
        assertThat(built.state()).isEqualTo(BusState.NEW);
        assertThat(built.up()).isFalse();
        assertThat(built.detail()).isEqualTo("the bus is new");
        assertThat(built.transport()).isInstanceOf(TransportHealth.Basic.class);

        bus.start();
        Health running = bus.health();
        assertThat(running.state()).isEqualTo(BusState.RUNNING);
        assertThat(running.up()).isTrue();
        assertThat(running.detail()).isEqualTo(running.transport().detail());
        assertThat(running.missedEvents()).isZero();
        assertThat(running.groups()).isEmpty();

        bus.shutdown();
        Health stopped = bus.health();
        assertThat(stopped.state()).isEqualTo(BusState.TERMINATED);
        assertThat(stopped.up()).isFalse();
        assertThat(stopped.transport()).isNotNull();
    }

    @Test
    void theTransportsOwnKindIsReachableByItsClass() {
        Health health = new Health(BusState.RUNNING, true, "fine", new CustomHealth(true, "fine", 7, 3), 0, 0, 0);

        assertThat(health.transport(CustomHealth.class)).hasValueSatisfying(h -> assertThat(h.missedEvents()).isEqualTo(7));
        assertThat(health.transport(TransportHealth.Basic.class)).isEmpty();
        assertThat(health.missedEvents()).isEqualTo(7);
        assertThat(health.reconnects()).isEqualTo(3);
    }

    @Test
    void healthStatesTheBusesSubscriptionsReconnectsAndDeadLetters() {
        EventBus bus = InMemoryEventBus.builder().retry(RetryPolicy.none()).build();
        try {
            bus.subscribe(Item.class, "ok", e -> { });
            Subscription failing = bus.subscribe(Item.class, "failing", e -> {
                throw new IllegalStateException("test: fails");
            });
            bus.start();
            assertThat(bus.health().subscriptions()).isEqualTo(2);

            bus.publish(new Item(1)).join();

            await().until(() -> bus.health().deadLettered() == 1);
            Health health = bus.health();
            assertThat(health.up()).isTrue();
            assertThat(health.deadLettersNotStored()).isZero();
            assertThat(health.reconnects()).as("the in-memory transport never disconnects").isZero();
            failing.cancel();
            assertThat(bus.health().subscriptions()).isEqualTo(1);
        } finally {
            bus.shutdown();
        }
    }

    @Test
    void countsCannotBeNegativeNorMoreDeadLettersNotStoredThanWritten() {
        TransportHealth fine = new TransportHealth.Basic(true, "fine");
        assertThatThrownBy(() -> new Health(BusState.RUNNING, true, "fine", fine, -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subscriptions -1");
        assertThatThrownBy(() -> new Health(BusState.RUNNING, true, "fine", fine, 1, 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadLettersNotStored 3");
    }

    @Test
    void aBusThatIsNotRunningCannotBeUp() {
        assertThatThrownBy(() -> new Health(BusState.STOPPING, true, "fine", new TransportHealth.Basic(true, "fine"), 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STOPPING");
    }
}
