package dev.herald.micrometer;

import static dev.herald.micrometer.ObserverCalls.publish;
import static dev.herald.micrometer.ObserverCalls.run;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.ConsumerGroupHealth;
import dev.herald.micrometer.ObserverCalls.EventAttributes;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.HandlerOutcome;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The names of Herald's observations and meters, with their tag keys, are a contract that
 * dashboards and alerts are written against (README "Observability"): each test fails when one
 * changes, or when the README's table no longer says what is true.
 */
class ObservabilityNamesTest {

    /** One row of the README's metric table. */
    record Name(String name, String kind, List<String> tagKeys, String prometheus) {
    }

    static final List<Name> CONTRACT = List.of(
            new Name("herald.publish", "timer",
                    List.of("messaging.system", "messaging.destination.name", "outcome", "error.type"),
                    "herald_publish_seconds"),
            new Name("herald.process", "timer",
                    List.of("messaging.system", "messaging.destination.name", "messaging.consumer.group.name", "outcome",
                            "error.type"),
                    "herald_process_seconds"),
            new Name("herald.retries", "counter", List.of("type", "handler"), "herald_retries_total"),
            new Name("herald.dead.letters", "counter", List.of("type", "handler", "reason"), "herald_dead_letters_total"),
            new Name("herald.dead.letters.voided", "counter", List.of("type", "handler"),
                    "herald_dead_letters_voided_total"),
            new Name("herald.missed", "counter", List.of("type"), "herald_missed_events_total"),
            new Name("herald.missed.late", "counter", List.of("type"), "herald_missed_late_events_total"),
            new Name("herald.queue.size", "gauge", List.of("type", "handler"), "herald_queue_size_messages"),
            new Name("herald.stream.lag", "gauge", List.of("type", "group"), "herald_stream_lag_entries"),
            new Name("herald.stream.pending", "gauge", List.of("type", "group"), "herald_stream_pending_entries"),
            new Name("herald.dlq.size", "gauge", List.of(), "herald_dlq_size_letters"),
            new Name("herald.health", "gauge", List.of(), "herald_health"));

    /** Micrometer's meter handler adds {@code error} to each timer, and a long task timer {@code <name>.active}. */
    private static final String HANDLER_ERROR_TAG = "error";

    @Test
    void theObservationsHaveTheirNamesAndLowCardinalityKeys() {
        TestObservationRegistry registry = TestObservationRegistry.create();
        observeOneOfEach(registry);

        Map<String, Set<String>> keysByName = new TreeMap<>();
        assertThat(registry)
                .hasHandledContextsThatSatisfy(contexts -> contexts.forEach(c -> keysByName.put(c.getName(),
                        c.getLowCardinalityKeyValues().stream().map(KeyValue::getKey)
                                .collect(Collectors.toCollection(TreeSet::new)))));

        assertThat(keysByName).isEqualTo(Map.of(
                "herald.publish", tagKeys("herald.publish"),
                "herald.process", tagKeys("herald.process")));
    }

    @Test
    void theMetersHaveTheirNamesKindsAndTagKeys() {
        MeterRegistry registry = new SimpleMeterRegistry();
        bindAll(registry);

        Map<String, String> actual = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            Set<String> keys = meter.getId().getTags().stream().map(Tag::getKey)
                    .filter(key -> !key.equals(HANDLER_ERROR_TAG)).collect(Collectors.toCollection(TreeSet::new));
            actual.put(meter.getId().getName(), meter.getId().getType().name().toLowerCase(Locale.ROOT) + " " + keys);
        }
        Map<String, String> expected = new TreeMap<>();
        for (Name name : CONTRACT) {
            expected.put(name.name(), name.kind() + " " + tagKeys(name.name()));
        }
        expected.put("herald.publish.active", "long_task_timer " + new TreeSet<>(List.of("messaging.system",
                "messaging.destination.name")));
        expected.put("herald.process.active", "long_task_timer " + new TreeSet<>(List.of("messaging.system",
                "messaging.destination.name", "messaging.consumer.group.name")));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void prometheusExposesThemUnderTheDocumentedNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindAll(registry);

        Set<String> families = registry.scrape().lines().filter(line -> line.startsWith("# TYPE "))
                .map(line -> line.split(" ")[2]).collect(Collectors.toCollection(TreeSet::new));

        assertThat(families).containsAll(CONTRACT.stream().map(Name::prometheus).toList());
    }

    @Test
    void theReadmeTableListsEachNameWithItsKindTagsAndPrometheusName() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));

        for (Name name : CONTRACT) {
            String tags = name.tagKeys().isEmpty() ? "(none)" : name.tagKeys().stream().map(k -> "`" + k + "`")
                    .collect(Collectors.joining(", "));
            assertThat(readme).as("README row of %s", name.name())
                    .contains("| `" + name.name() + "` | " + name.kind() + " | " + tags + " | `" + name.prometheus() + "` |");
        }
    }

    /** One publish and one handler run observed, and a bus with one handler, type and group bound. */
    private static void bindAll(MeterRegistry registry) {
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(registry));
        observeOneOfEach(observations);
        StubBus bus = new StubBus();
        bus.handlers = List.of(StubBus.handler("order.placed", "audit", 0, Map.of(), 0));
        bus.groups = List.of(new ConsumerGroupHealth("order.placed", "orders:audit", OptionalLong.of(0),
                OptionalLong.of(0), false));
        HeraldMetrics.builder(bus).executor(Runnable::run).build().bindTo(registry);
    }

    private static void observeOneOfEach(ObservationRegistry registry) {
        BusObserver observer = MicrometerObserver.of(registry);
        observer.publishStarted(publish("order.placed", new EventAttributes())).end(10, null);
        observer.handlerStarted(run("audit", 1, Map.of())).end(HandlerOutcome.SUCCESS, null);
    }

    private static Set<String> tagKeys(String name) {
        Map<String, Name> byName = CONTRACT.stream().collect(Collectors.toMap(Name::name, Function.identity()));
        return new TreeSet<>(byName.get(name).tagKeys());
    }
}
