package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.memory.InMemoryEventBus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {

    @EventType("test.named")
    record Named(String v) implements DomainEvent {
    }

    record NotNamed(String v) implements DomainEvent {
    }

    @Test
    void badBusOptionsAreRejectedAtOnceNamingTheValue() {
        InMemoryEventBus.Builder b = InMemoryEventBus.builder();
        assertThatThrownBy(() -> b.source(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source");
        assertThatThrownBy(() -> b.source("has space")).hasMessageContaining("'has space'");
        assertThatThrownBy(() -> b.maxMessageSize(10)).hasMessageContaining("maxMessageSize").hasMessageContaining("10");
        assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofSeconds(-1))).hasMessageContaining("shutdownTimeout");
        assertThatThrownBy(() -> b.publishTimeout(Duration.ZERO)).hasMessageContaining("publishTimeout");
        assertThatThrownBy(() -> b.maxInFlightPublishes(0)).hasMessageContaining("maxInFlightPublishes");
        assertThatThrownBy(() -> b.deadLetterRetention(0)).hasMessageContaining("deadLetterRetention");
        assertThatThrownBy(() -> b.deadLetterRawLimit(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deadLetterRawLimit").hasMessageContaining("-1");
        assertThatThrownBy(() -> b.instanceId("")).hasMessageContaining("instanceId");
        assertThatThrownBy(() -> b.retry(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("retry");
        assertThatThrownBy(() -> b.observer(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("observer must not be null").hasMessageContaining("BusObserver.noop()");
        assertThatThrownBy(() -> b.registerType("has space", Named.class)).hasMessageContaining("'has space'");
        b.registerType("a.type", Named.class);
        assertThatThrownBy(() -> b.registerType("a.type", NotNamed.class))
                .hasMessageContaining("already registered").hasMessageContaining(Named.class.getName());
    }

    @Test
    void badSubscriptionOptionsAreRejectedNamingTheValue() {
        assertThatThrownBy(() -> SubscriptionOptions.defaults().withConcurrency(0)).hasMessageContaining("concurrency").hasMessageContaining("0");
        assertThatThrownBy(() -> SubscriptionOptions.defaults().withQueueCapacity(0)).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> SubscriptionOptions.named("two words")).hasMessageContaining("'two words'");
        assertThat(SubscriptionOptions.defaults()).isEqualTo(new SubscriptionOptions(null, 1, false, null, 1024));
    }

    @Test
    void domainEventsNameTheirTypeFromTheAnnotation() {
        assertThat(new Named("x").eventType()).isEqualTo("test.named");
        assertThat(new Named("x").aggregateId()).isNull();
        assertThatThrownBy(() -> new NotNamed("x").eventType()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(NotNamed.class.getName()).hasMessageContaining("@EventType");
    }

    @EventType("test.dynamic")
    record Dynamic(String type) implements DomainEvent {
        @Override
        public String eventType() {
            return type;
        }
    }

    @Test
    void aTypeNameAnEventComputesIsCheckedOnEveryPublish() {
        EventBus bus = InMemoryEventBus.builder().build();
        bus.start();
        assertThat(bus.publish(new Dynamic("test.dynamic")).join().type()).isEqualTo("test.dynamic");
        assertThat(bus.publish(new Dynamic("test.other")).join().type()).isEqualTo("test.other");
        assertThat(bus.publish(new Dynamic("has space")))
                .failsWithin(Duration.ofSeconds(5)).withThrowableThat().withMessageContaining("'has space'");
        assertThat(bus.publish(new Dynamic("test\tdynamic")))
                .failsWithin(Duration.ofSeconds(5)).withThrowableThat().withMessageContaining("is invalid");
        bus.shutdown();
    }

    @EventType("herald.heartbeat")
    record PosesAsAHeartbeat(String v) implements DomainEvent {
    }

    @Test
    void typesBeginningWithHeraldAreReservedAndRefusedOnSubscribePublishAndRegister() {
        EventBus bus = InMemoryEventBus.builder().build();
        assertThatThrownBy(() -> bus.subscribe("herald.heartbeat", e -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'herald.heartbeat'")
                .hasMessageContaining("reserved").hasMessageContaining("'herald.'");
        assertThatThrownBy(() -> bus.subscribe("herald.anything", e -> { })).hasMessageContaining("reserved");
        assertThatThrownBy(() -> bus.subscribe(PosesAsAHeartbeat.class, e -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> InMemoryEventBus.builder().registerType("herald.control", NotNamed.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        bus.start();
        assertThat(bus.publish(new Dynamic("herald.heartbeat"))).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().withMessageContaining("'herald.heartbeat' is reserved");
        assertThat(bus.publish(new PosesAsAHeartbeat("x"))).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat().withMessageContaining("reserved");
        // only the prefix with its dot is reserved
        assertThat(bus.publish(new Dynamic("heraldic.event")).join().type()).isEqualTo("heraldic.event");
        bus.shutdown();
    }

    @Test
    void anEventTypeNameIsCheckedWithoutABusAsABusChecksIt() {
        assertThat(EventBus.checkEventType("order.placed")).isEqualTo("order.placed");
        assertThatThrownBy(() -> EventBus.checkEventType("order placed")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event type 'order placed' is invalid: use 1 to 200 characters without white space, such as"
                        + " 'order.placed'");
        assertThatThrownBy(() -> EventBus.checkEventType("herald.heartbeat")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'herald.heartbeat' is reserved");
        assertThatThrownBy(() -> EventBus.checkEventType("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHandlerNameIsUniquePerTypeAndDerivedNamesAreStable() {
        EventBus bus = InMemoryEventBus.builder().build();
        Subscription first = bus.subscribe(Named.class, e -> { });
        Subscription second = bus.subscribe(Named.class, e -> { });
        bus.subscribe(Named.class, "explicit", e -> { });
        assertThat(first.handlerName()).isEqualTo("test.named#1");
        assertThat(second.handlerName()).isEqualTo("test.named#2");
        assertThatThrownBy(() -> bus.subscribe("test.named", "explicit", e -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'explicit'");
        bus.shutdown();
    }

    @Test
    void shuttingDownABusThatNeverStartedIsFine() {
        EventBus bus = InMemoryEventBus.builder().build();
        ShutdownReport report = bus.shutdown(Duration.ZERO);
        assertThat(report.completedInTime()).isTrue();
        assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
    }
}
