package dev.herald.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MicrometerObserver and HeraldMetrics on a bus over a real redis-server: what a bus does gives
 * exact counts on every meter and observation.
 */
class ObservedRedisBusIT {

    private static final int EVENTS = 100;
    private static final int FLAKY = 7;
    private static final int POISON = 50;
    private static final int ATTEMPTS = 3;

    @EventType("acc.order")
    record Order(int n) {
    }

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final Resources resources = new Resources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    /** A client of a redis-server of its own, both closed after the test. */
    private RedisClient redis() {
        RedisServer redis = resources.add(RedisServer.start());
        RedisClient client = RedisClient.create(redis.uri());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        return client;
    }

    @ParameterizedTest
    @EnumSource(RedisEventBus.Mode.class)
    void hundredEventsARetryAndAPoisonEventGiveExactCountsOnEveryMeterAndObservation(RedisEventBus.Mode mode) {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        RedisEventBus.Builder builder = RedisEventBus.builder(redis())
                .mode(mode)
                .source("acc-service")
                .retry(RetryPolicy.exponential(Duration.ofMillis(10), 2.0, Duration.ofMillis(50), ATTEMPTS));
        if (mode == RedisEventBus.Mode.STREAMS) {
            builder.visibilityTimeout(Duration.ofSeconds(2)); // lag and pending checked every second
        }
        EventBus bus = resources.add(builder.observer(MicrometerObserver.of(observations)).build());
        Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
        bus.subscribe(Order.class, "ledger", e -> {
            int n = e.payload().n();
            if (n == POISON) {
                throw new IllegalArgumentException("poison: " + n);
            }
            if (n == FLAKY && failedOnce.add(n)) {
                throw new IllegalStateException("fails once: " + n);
            }
        });
        HeraldMetrics.builder(bus).refreshInterval(Duration.ofMillis(100)).build().bindTo(meters);
        bus.start();
        for (int n = 1; n <= EVENTS; n++) {
            bus.publish(new Order(n)).join();
        }
        int runs = EVENTS + 1 + (ATTEMPTS - 1); // one run each, the flaky one's retry, the poison's retries
        await().atMost(60, TimeUnit.SECONDS).until(() -> stopped("herald.process") == runs);

        // observations, as the tracing side sees them
        assertThat(observations).hasNumberOfObservationsWithNameEqualTo("herald.publish", EVENTS)
                .hasNumberOfObservationsWithNameEqualTo("herald.process", runs);
        assertThat(outcomes("herald.publish")).isEqualTo(Map.of("success/none", (long) EVENTS));
        assertThat(outcomes("herald.process")).isEqualTo(Map.of(
                "success/none", (long) EVENTS - 1,
                "retried/java.lang.IllegalStateException", 1L,
                "retried/java.lang.IllegalArgumentException", (long) ATTEMPTS - 1,
                "dead_lettered/java.lang.IllegalArgumentException", 1L));
        assertThat(observations).forAllObservationsWithNameEqualTo("herald.process", o -> o
                .hasLowCardinalityKeyValue("messaging.system", "redis")
                .hasLowCardinalityKeyValue("messaging.destination.name", "acc.order")
                .hasLowCardinalityKeyValue("messaging.consumer.group.name", "ledger"));

        // the timers Micrometer's meter handler makes of them
        assertThat(timer("herald.publish", "outcome", "success", "error.type", "none").count()).isEqualTo(EVENTS);
        assertThat(timer("herald.process", "outcome", "success", "error.type", "none").count()).isEqualTo(EVENTS - 1);
        assertThat(timer("herald.process", "outcome", "retried", "error.type", "java.lang.IllegalStateException").count())
                .isEqualTo(1);
        assertThat(timer("herald.process", "outcome", "retried", "error.type", "java.lang.IllegalArgumentException").count())
                .isEqualTo(ATTEMPTS - 1);
        assertThat(timer("herald.process", "outcome", "dead_lettered", "error.type", "java.lang.IllegalArgumentException")
                .count()).isEqualTo(1);

        // HeraldMetrics
        assertThat(counter("herald.retries", "type", "acc.order", "handler", "ledger")).isEqualTo(1 + ATTEMPTS - 1);
        for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            assertThat(counter("herald.dead.letters", "type", "acc.order", "handler", "ledger", "reason", reason.name()))
                    .as(reason.name()).isEqualTo(reason == DeadLetter.Reason.HANDLER_FAILED ? 1 : 0);
        }
        assertThat(counter("herald.missed", "type", "acc.order")).isZero();
        assertThat(gauge("herald.queue.size", "type", "acc.order", "handler", "ledger")).isZero();
        assertThat(gauge("herald.health")).isEqualTo(1);
        await().atMost(30, TimeUnit.SECONDS).until(() -> gauge("herald.dlq.size") == 1);
        if (mode == RedisEventBus.Mode.STREAMS) {
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(gauge("herald.stream.lag", "type", "acc.order", "group", "acc-service:ledger")).isZero();
                assertThat(gauge("herald.stream.pending", "type", "acc.order", "group", "acc-service:ledger")).isZero();
            });
        } else {
            assertThat(meters.find("herald.stream.lag").meters()).isEmpty();
        }

        bus.shutdown();
        assertThat(gauge("herald.health")).as("down once shut down").isZero();
    }

    @Test
    void theTraceContextWrittenOnPublishIsReadByTheHandlingSideThroughRedis() {
        PropagatingHandler propagating = new PropagatingHandler();
        observations.observationConfig().observationHandler(propagating);
        EventBus bus = resources.add(RedisEventBus.builder(redis())
                .source("acc-service")
                .observer(MicrometerObserver.of(observations))
                .build());
        List<String> headers = new CopyOnWriteArrayList<>();
        bus.subscribe(Order.class, "ledger", e -> headers.add(e.header("traceparent")));
        bus.start();

        bus.publish(new Order(1)).join();

        await().atMost(30, TimeUnit.SECONDS).until(() -> propagating.extracted.size() == 2);
        assertThat(headers).as("the handler sees it too").containsExactly(PropagatingHandler.TRACEPARENT);
        assertThat(propagating.extracted).containsExactly(PropagatingHandler.TRACEPARENT, PropagatingHandler.TRACESTATE);
    }

    @Test
    void theInMemoryBusIsObservedAsHeraldMemory() {
        EventBus bus = resources.add(InMemoryEventBus.builder()
                .source("acc-service")
                .observer(MicrometerObserver.of(observations))
                .build());
        bus.subscribe(Order.class, "ledger", e -> { });
        bus.start();

        bus.publish(new Order(1)).join();

        await().atMost(30, TimeUnit.SECONDS).until(() -> stopped("herald.process") == 1);
        assertThat(observations).forAllObservationsWithNameEqualTo("herald.publish",
                        o -> o.hasLowCardinalityKeyValue("messaging.system", "herald-memory"))
                .forAllObservationsWithNameEqualTo("herald.process",
                        o -> o.hasLowCardinalityKeyValue("messaging.system", "herald-memory"));
    }

    private long stopped(String name) {
        return contexts(name).size();
    }

    private List<Observation.Context> contexts(String name) {
        List<Observation.Context> all = new CopyOnWriteArrayList<>();
        assertThat(observations).hasHandledContextsThatSatisfy(contexts -> all.addAll(contexts));
        return all.stream().filter(c -> name.equals(c.getName()) && c.getLowCardinalityKeyValue("outcome") != null)
                .toList();
    }

    /** Ended observations of a name by {@code outcome/error.type}. */
    private Map<String, Long> outcomes(String name) {
        return contexts(name).stream().collect(Collectors.groupingBy(
                c -> c.getLowCardinalityKeyValue("outcome").getValue() + "/"
                        + c.getLowCardinalityKeyValue("error.type").getValue(),
                Collectors.counting()));
    }

    private Timer timer(String name, String... tags) {
        return meters.get(name).tags("messaging.system", "redis", "messaging.destination.name", "acc.order")
                .tags(tags).timer();
    }

    private double counter(String name, String... tags) {
        return meters.get(name).tags(tags).functionCounter().count();
    }

    private double gauge(String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }
}
