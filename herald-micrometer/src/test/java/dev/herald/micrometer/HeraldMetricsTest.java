package dev.herald.micrometer;

import static dev.herald.micrometer.StubBus.handler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.BusState;
import dev.herald.ConsumerGroupHealth;
import dev.herald.DeadLetter;
import dev.herald.DeadLetterStoreException;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** HeraldMetrics over a bus whose stats, health and dead-letter count the test sets. */
class HeraldMetricsTest {

    private static final Executor DIRECT = Runnable::run;

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final StubBus bus = new StubBus();

    @Test
    void eachHandlerTypeAndGroupHasItsMetersWithTheBusValues() {
        bus.handlers = List.of(
                handler("order.placed", "send-confirmation", 7, Map.of(DeadLetter.Reason.HANDLER_FAILED, 2L), 3),
                handler("order.placed", "audit", 1, Map.of(DeadLetter.Reason.UNDECODABLE, 1L), 0));
        bus.missedCountedByType = Map.of("order.placed", 4L);
        bus.groups = List.of(new ConsumerGroupHealth("order.placed", "orders:audit", OptionalLong.of(12),
                OptionalLong.of(5), false));
        bus.dlqSize = () -> 3;

        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);

        assertThat(counter("herald.retries", "type", "order.placed", "handler", "send-confirmation")).isEqualTo(7);
        assertThat(counter("herald.retries", "type", "order.placed", "handler", "audit")).isEqualTo(1);
        assertThat(counter("herald.dead.letters", "type", "order.placed", "handler", "send-confirmation",
                "reason", "HANDLER_FAILED")).isEqualTo(2);
        assertThat(counter("herald.dead.letters", "type", "order.placed", "handler", "audit", "reason", "UNDECODABLE"))
                .isEqualTo(1);
        assertThat(registry.get("herald.dead.letters").tags("handler", "audit").functionCounters())
                .as("one counter per reason").hasSize(DeadLetter.Reason.values().length);
        assertThat(counter("herald.missed", "type", "order.placed")).isEqualTo(4);
        assertThat(gauge("herald.queue.size", "type", "order.placed", "handler", "send-confirmation")).isEqualTo(3);
        assertThat(gauge("herald.stream.lag", "type", "order.placed", "group", "orders:audit")).isEqualTo(12);
        assertThat(gauge("herald.stream.pending", "type", "order.placed", "group", "orders:audit")).isEqualTo(5);
        assertThat(gauge("herald.dlq.size")).isEqualTo(3);
        assertThat(gauge("herald.health")).isEqualTo(1);
    }

    @Test
    void valuesAreReadWhenTheMetersAreFromASnapshotAtMostASecondOld() {
        bus.handlers = List.of(handler("order.placed", "audit", 0, Map.of(), 0));
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);

        bus.handlers = List.of(handler("order.placed", "audit", 2, Map.of(DeadLetter.Reason.SHUTDOWN, 1L), 9));
        bus.missedCountedByType = Map.of("order.placed", 6L);
        bus.up = false;
        assertThat(gauge("herald.queue.size", "handler", "audit")).as("the snapshot taken at binding").isZero();
        clock.add(Duration.ofSeconds(1));

        assertThat(counter("herald.retries", "type", "order.placed", "handler", "audit")).isEqualTo(2);
        assertThat(counter("herald.dead.letters", "handler", "audit", "reason", "SHUTDOWN")).isEqualTo(1);
        assertThat(counter("herald.missed", "type", "order.placed")).isEqualTo(6);
        assertThat(gauge("herald.queue.size", "handler", "audit")).isEqualTo(9);
        assertThat(gauge("herald.health")).isZero();
    }

    @Test
    void aVoidedDeadLetterAndALateArrivalAreCountedApartAndNoCounterFalls() {
        bus.handlers = List.of(handler("order.placed", "audit", 0, Map.of(DeadLetter.Reason.SHUTDOWN, 1L), 0));
        bus.missedCountedByType = Map.of("order.placed", 3L);
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);
        assertThat(counter("herald.dead.letters", "handler", "audit", "reason", "SHUTDOWN")).isEqualTo(1);
        assertThat(counter("herald.missed", "type", "order.placed")).isEqualTo(3);

        // the handler finished its parked event late; one missed event arrived late: the bus's net figures fall
        bus.handlers = List.of(handler("order.placed", "audit", 0, Map.of(DeadLetter.Reason.SHUTDOWN, 1L), 1, 0));
        bus.lateByType = Map.of("order.placed", 1L);
        assertThat(bus.stats().missedByType()).containsEntry("order.placed", 2L);
        clock.add(Duration.ofSeconds(1));

        assertThat(counter("herald.dead.letters", "handler", "audit", "reason", "SHUTDOWN")).isEqualTo(1);
        assertThat(counter("herald.dead.letters.voided", "type", "order.placed", "handler", "audit")).isEqualTo(1);
        assertThat(counter("herald.missed", "type", "order.placed")).isEqualTo(3);
        assertThat(counter("herald.missed.late", "type", "order.placed")).isEqualTo(1);
    }

    @Test
    void aScrapeTakesOneSnapshotOfTheBusWhateverTheNumberOfMeters() {
        bus.handlers = List.of(handler("order.placed", "audit", 1, Map.of(), 0),
                handler("order.placed", "mail", 2, Map.of(), 0), handler("order.shipped", "audit", 3, Map.of(), 0));
        bus.missedCountedByType = Map.of("order.placed", 1L);
        bus.groups = List.of(new ConsumerGroupHealth("order.placed", "orders:audit", OptionalLong.of(0),
                OptionalLong.of(0), false));
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);
        clock.add(Duration.ofSeconds(1));
        bus.statsReads.set(0);
        bus.healthReads.set(0);

        registry.getMeters().forEach(meter -> meter.measure().forEach(m -> m.getValue()));

        assertThat(registry.getMeters()).hasSizeGreaterThan(20);
        assertThat(bus.statsReads).hasValue(1);
        assertThat(bus.healthReads).hasValue(1);
    }

    @Test
    void aBusThatChangedStateIsReadAnewAtOnce() {
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);
        assertThat(gauge("herald.health")).isEqualTo(1);

        bus.state = BusState.TERMINATED;

        assertThat(gauge("herald.health")).as("down once shut down, though the snapshot is recent").isZero();
    }

    @Test
    void aTerminatedBusIsNotAskedForItsDeadLetterCountAndTheLastOneStays() {
        bus.dlqSize = () -> 4;
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);
        assertThat(bus.dlqSizeReads).hasValue(1);

        bus.state = BusState.TERMINATED;
        bus.dlqSize = () -> 0;
        for (int i = 0; i < 3; i++) {
            clock.add(HeraldMetrics.DEFAULT_REFRESH_INTERVAL);
            assertThat(gauge("herald.dlq.size")).isEqualTo(4);
        }
        assertThat(bus.dlqSizeReads).hasValue(1);
    }

    @Test
    void aGroupWhoseBacklogIsNotKnownYetShowsNaN() {
        bus.groups = List.of(new ConsumerGroupHealth("order.placed", "orders:audit", OptionalLong.empty(),
                OptionalLong.empty(), false));
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);

        assertThat(gauge("herald.stream.lag", "group", "orders:audit")).isNaN();
        assertThat(gauge("herald.stream.pending", "group", "orders:audit")).isNaN();
    }

    @Test
    void handlersTypesAndGroupsThatAppearAfterBindingGetMetersAtTheNextRefresh() {
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);
        assertThat(registry.find("herald.retries").meters()).isEmpty();

        bus.handlers = List.of(handler("order.placed", "audit", 1, Map.of(), 0));
        bus.missedCountedByType = Map.of("order.shipped", 2L);
        bus.groups = List.of(new ConsumerGroupHealth("order.placed", "orders:audit", OptionalLong.of(0),
                OptionalLong.of(0), false));
        gauge("herald.health");
        assertThat(registry.find("herald.retries").meters()).as("not before the refresh interval passed").isEmpty();

        clock.add(HeraldMetrics.DEFAULT_REFRESH_INTERVAL);
        gauge("herald.health");

        assertThat(counter("herald.retries", "type", "order.placed", "handler", "audit")).isEqualTo(1);
        assertThat(counter("herald.missed", "type", "order.placed")).isZero();
        assertThat(counter("herald.missed", "type", "order.shipped")).isEqualTo(2);
        assertThat(gauge("herald.stream.lag", "group", "orders:audit")).isZero();
    }

    @Test
    void aHandlerThatIsGoneKeepsItsCountsAndHasNoQueueSize() {
        bus.handlers = List.of(handler("order.placed", "audit", 3, Map.of(DeadLetter.Reason.HANDLER_FAILED, 1L), 2));
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);
        counter("herald.retries", "handler", "audit");

        bus.handlers = List.of();
        clock.add(Duration.ofSeconds(1));

        assertThat(counter("herald.retries", "handler", "audit")).isEqualTo(3);
        assertThat(counter("herald.dead.letters", "handler", "audit", "reason", "HANDLER_FAILED")).isEqualTo(1);
        assertThat(gauge("herald.queue.size", "handler", "audit")).isNaN();
    }

    @Test
    void theDeadLetterCountIsReadAtMostOncePerRefreshInterval() {
        bus.dlqSize = () -> 1;
        HeraldMetrics.builder(bus).executor(DIRECT).refreshInterval(Duration.ofSeconds(10)).build().bindTo(registry);
        assertThat(bus.dlqSizeReads).hasValue(1);

        bus.dlqSize = () -> 2;
        for (int i = 0; i < 5; i++) {
            assertThat(gauge("herald.dlq.size")).isEqualTo(1);
        }
        clock.add(Duration.ofSeconds(9));
        assertThat(gauge("herald.dlq.size")).isEqualTo(1);
        assertThat(bus.dlqSizeReads).hasValue(1);

        clock.add(Duration.ofSeconds(1));
        assertThat(gauge("herald.dlq.size")).as("read again once 10 s passed").isEqualTo(2);
        assertThat(bus.dlqSizeReads).hasValue(2);
    }

    @Test
    void whenTheDeadLetterStoreCannotBeReadTheLastCountStays() {
        bus.dlqSize = () -> 5;
        HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);

        bus.dlqSize = () -> {
            throw new DeadLetterStoreException("Redis at localhost:1 is unreachable", new RuntimeException("refused"));
        };
        clock.add(HeraldMetrics.DEFAULT_REFRESH_INTERVAL);

        assertThat(gauge("herald.dlq.size")).isEqualTo(5);
        assertThat(bus.dlqSizeReads).hasValue(2);
    }

    @Test
    void aFailedReadWarnsOnlyForARunningBusNotForOneNeverStartedOrShutDownMeanwhile() {
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger logger = (Logger) LoggerFactory.getLogger(BoundMeters.class);
        logger.addAppender(warnings);
        try {
            bus.state = BusState.NEW;
            bus.dlqSize = () -> {
                throw new DeadLetterStoreException("Provider is shut down", new RuntimeException("closed"));
            };
            HeraldMetrics.builder(bus).executor(DIRECT).build().bindTo(registry);
            bus.state = BusState.RUNNING;
            bus.dlqSize = () -> {
                bus.state = BusState.TERMINATED; // its start failed, or it shut down, while the count was read
                throw new DeadLetterStoreException("Provider is shut down", new RuntimeException("closed"));
            };
            clock.add(HeraldMetrics.DEFAULT_REFRESH_INTERVAL);
            gauge("herald.dlq.size");
            assertThat(bus.dlqSizeReads).hasValue(2);
            assertThat(warnings.list).filteredOn(e -> e.getLevel() == Level.WARN).isEmpty();

            bus.state = BusState.RUNNING;
            bus.dlqSize = () -> {
                throw new DeadLetterStoreException("Redis at localhost:1 is unreachable", new RuntimeException("refused"));
            };
            clock.add(HeraldMetrics.DEFAULT_REFRESH_INTERVAL);
            gauge("herald.dlq.size");
            assertThat(warnings.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement().asString()
                    .contains("cannot read the dead-letter count");
        } finally {
            logger.detachAppender(warnings);
        }
    }

    @Test
    void aScrapeNeverWaitsForTheDeadLetterStore() throws InterruptedException {
        CountDownLatch storeAnswers = new CountDownLatch(1);
        bus.dlqSize = () -> {
            try {
                storeAnswers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 8;
        };

        // default executor: the refresh runs on a thread of its own, and blocks there
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            HeraldMetrics.bind(bus, registry);
            assertThat(gauge("herald.dlq.size")).as("nothing read yet").isNaN();
        });
        await().atMost(30, TimeUnit.SECONDS).until(() -> bus.dlqSizeReads.get() == 1); // the refresh waits in the store
        clock.add(Duration.ofMinutes(1));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThat(gauge("herald.dlq.size")).isNaN());
        assertThat(bus.dlqSizeReads).as("one refresh at a time").hasValue(1);

        storeAnswers.countDown();
        await().atMost(30, TimeUnit.SECONDS).until(() -> gauge("herald.dlq.size") == 8);
    }

    @Test
    void everyMeterCarriesTheGivenTags() {
        bus.handlers = List.of(handler("order.placed", "audit", 0, Map.of(), 0));
        bus.groups = List.of(new ConsumerGroupHealth("order.placed", "orders:audit", OptionalLong.of(0),
                OptionalLong.of(0), false));
        HeraldMetrics.builder(bus).executor(DIRECT).tags(Tags.of("bus", "orders")).build().bindTo(registry);

        assertThat(registry.getMeters()).hasSize(14)
                .allSatisfy(meter -> assertThat(meter.getId().getTag("bus")).isEqualTo("orders"));
    }

    @Test
    void aRefreshIntervalThatIsNotPositiveIsRefusedWithItsValue() {
        assertThatThrownBy(() -> HeraldMetrics.builder(bus).refreshInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> HeraldMetrics.builder(bus).refreshInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }
}
