package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.memory.InMemoryEventBus;
import org.junit.jupiter.api.Test;

class HealthTest {

    /** A transport's own kind of health, as a transport module would declare it. */
    record CustomHealth(boolean up, String detail, long missedEvents) implements TransportHealth {
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
        Health health = new Health(BusState.RUNNING, true, "fine", new CustomHealth(true, "fine", 7));

        assertThat(health.transport(CustomHealth.class)).hasValueSatisfying(h -> assertThat(h.missedEvents()).isEqualTo(7));
        assertThat(health.transport(TransportHealth.Basic.class)).isEmpty();
        assertThat(health.missedEvents()).isEqualTo(7);
    }

    @Test
    void aBusThatIsNotRunningCannotBeUp() {
        assertThatThrownBy(() -> new Health(BusState.STOPPING, true, "fine", new TransportHealth.Basic(true, "fine")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STOPPING");
    }
}
