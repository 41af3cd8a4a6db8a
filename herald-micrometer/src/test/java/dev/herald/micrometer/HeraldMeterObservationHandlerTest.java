package dev.herald.micrometer;

import static dev.herald.micrometer.ObserverCalls.publish;
import static dev.herald.micrometer.ObserverCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.micrometer.ObserverCalls.EventAttributes;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * HeraldMeterObservationHandler makes the timers Micrometer's meter handler makes of Herald's
 * observations, with the same names, tags, counts and times, and leaves every other observation
 * to the handler after it.
 */
class HeraldMeterObservationHandlerTest {

    private final MockClock clock = new MockClock();

    @Test
    void theTimersAreMicrometersOwnWithoutItsLongTaskTimers() {
        SimpleMeterRegistry herald = meters();
        SimpleMeterRegistry micrometer = meters();
        observeTheSame(observer(new FirstMatchingCompositeObservationHandler(new HeraldMeterObservationHandler(herald),
                new DefaultMeterObservationHandler(herald))));
        observeTheSame(observer(new DefaultMeterObservationHandler(micrometer, IgnoredMeters.LONG_TASK_TIMER)));

        assertThat(timers(herald)).isNotEmpty().isEqualTo(timers(micrometer));
        assertThat(herald.find("herald.process.active").longTaskTimers()).isEmpty();
        assertThat(herald.find("herald.publish.active").longTaskTimers()).isEmpty();
    }

    @Test
    void aRunIsTimedFromItsStartToItsEndOnTheRegistrysClock() {
        SimpleMeterRegistry meters = meters();
        BusObserver observer = observer(new HeraldMeterObservationHandler(meters));

        HandlerObservation run = observer.handlerStarted(run("audit", 1, Map.of()));
        clock.add(Duration.ofMillis(250));
        run.end(HandlerOutcome.DEAD_LETTERED, new ArithmeticException());
        BusObserver.PublishObservation publish = observer.publishStarted(publish("order.placed", new EventAttributes()));
        clock.add(Duration.ofMillis(7));
        publish.end(120, null);

        Timer process = meters.get("herald.process").tags("outcome", "dead_lettered", "error", "ArithmeticException",
                "error.type", "java.lang.ArithmeticException", "messaging.consumer.group.name", "audit").timer();
        assertThat(process.count()).isEqualTo(1);
        assertThat(process.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(process.getId().getDescription()).isEqualTo("Handler runs, one per attempt, by what became of the event");
        Timer published = meters.get("herald.publish").tags("outcome", "success", "error", "none").timer();
        assertThat(published.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
    }

    @Test
    void otherObservationsAreLeftToTheNextHandler() {
        SimpleMeterRegistry meters = meters();
        HeraldMeterObservationHandler handler = new HeraldMeterObservationHandler(meters);
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(
                new FirstMatchingCompositeObservationHandler(handler, new DefaultMeterObservationHandler(meters)));

        Observation.createNotStarted("orders.checkout", observations).observe(() -> { });

        assertThat(handler.supportsContext(new Observation.Context())).isFalse();
        assertThat(meters.get("orders.checkout").timer().count()).isEqualTo(1);
        assertThat(meters.get("orders.checkout.active").longTaskTimer()).isNotNull();
    }

    @Test
    void aTimerRemovedFromTheRegistryIsRegisteredAgainAtTheNextStop() {
        SimpleMeterRegistry meters = meters();
        BusObserver observer = observer(new HeraldMeterObservationHandler(meters));
        observer.handlerStarted(run("audit", 1, Map.of())).end(HandlerOutcome.SUCCESS, null);
        Meter first = meters.get("herald.process").timer();
        meters.remove(first);

        observer.handlerStarted(run("audit", 1, Map.of())).end(HandlerOutcome.SUCCESS, null);

        Timer again = meters.get("herald.process").timer();
        assertThat(again).isNotSameAs(first);
        assertThat(again.count()).isEqualTo(1);
    }

    @Test
    void anEventOfAHandlerRunIsCountedAsMicrometersHandlerCountsIt() {
        SimpleMeterRegistry meters = meters();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new HeraldMeterObservationHandler(meters));
        HandlerObservation run = MicrometerObserver.of(observations).handlerStarted(run("audit", 1, Map.of()));
        try (BusObserver.Scope ignored = run.makeCurrent()) {
            observations.getCurrentObservation().event(Observation.Event.of("cache.miss"));
        }
        run.end(HandlerOutcome.SUCCESS, null);

        assertThat(meters.get("herald.process.cache.miss").tags("messaging.consumer.group.name", "audit")
                .counter().count()).isEqualTo(1);
    }

    private SimpleMeterRegistry meters() {
        return new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    }

    private static BusObserver observer(io.micrometer.observation.ObservationHandler<?> handler) {
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(handler);
        return MicrometerObserver.of(observations);
    }

    /** Publishes and handler runs of each outcome, some failed, twice. */
    private void observeTheSame(BusObserver observer) {
        for (int i = 0; i < 2; i++) {
            for (HandlerOutcome outcome : HandlerOutcome.values()) {
                HandlerObservation run = observer.handlerStarted(run("audit", 1, Map.of()));
                clock.add(Duration.ofMillis(3));
                run.end(outcome, outcome == HandlerOutcome.SUCCESS ? null : new IllegalStateException("no"));
            }
            observer.publishStarted(publish("order.placed", new EventAttributes())).end(100, null);
            BusObserver.PublishObservation failed = observer.publishStarted(publish("order.shipped", new EventAttributes()));
            clock.add(Duration.ofMillis(5));
            failed.end(-1, new IllegalArgumentException("too large"));
        }
    }

    /** Each timer by its id, with its count and total time. */
    private static Map<String, String> timers(MeterRegistry meters) {
        return meters.getMeters().stream().filter(Timer.class::isInstance).map(Timer.class::cast)
                .collect(Collectors.toMap(t -> t.getId().toString(),
                        t -> t.count() + " in " + t.totalTime(TimeUnit.MILLISECONDS) + " ms", (a, b) -> a, TreeMap::new));
    }
}
