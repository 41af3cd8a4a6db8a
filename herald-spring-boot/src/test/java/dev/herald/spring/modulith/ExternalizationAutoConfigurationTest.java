package dev.herald.spring.modulith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.spring.internal.BusStartGate;
import dev.herald.spring.internal.ExternalizationTransport;
import dev.herald.testkit.ApiBoundary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.modulith.events.RoutingTarget;
import org.springframework.modulith.events.support.DelegatingEventExternalizer;

/** When the externalizer is there, and what its transport sends; on an in-memory bus, without Redis. */
class ExternalizationAutoConfigurationTest {

    record Shipped(String orderId) {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeraldExternalizationAutoConfiguration.class))
            .withBean(EventBus.class, () -> InMemoryEventBus.builder().build())
            .withBean(EventExternalizationConfiguration.class, EventExternalizationConfiguration::disabled);

    @Test
    void anApplicationWithABusAndAnExternalizationConfigurationGetsTheExternalizer() {
        runner.run(context -> assertThat(context).hasSingleBean(DelegatingEventExternalizer.class)
                .hasBean("heraldEventExternalizer"));
    }

    @Test
    void heraldsPropertyOrSpringModulithsTurnsItOff() {
        runner.withPropertyValues("herald.modulith.externalization.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DelegatingEventExternalizer.class));
        runner.withPropertyValues("spring.modulith.events.externalization.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DelegatingEventExternalizer.class));
    }

    @Test
    void withoutSpringModulithsExternalizationThereIsNone() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeraldExternalizationAutoConfiguration.class))
                .withBean(EventBus.class, () -> InMemoryEventBus.builder().build())
                .run(context -> assertThat(context).doesNotHaveBean(DelegatingEventExternalizer.class));
    }

    @Test
    void theSwitchIsInTheConfigurationMetadataAndNoInternalTypeInThePublicSignatures() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("\"herald.modulith.externalization.enabled\"");
        }
        assertThat(ApiBoundary.violations(HeraldExternalizationAutoConfiguration.class)).isEmpty();
    }

    @Test
    void theTransportSendsTheEventUnderTheTargetWithTheKeyAsSubjectAndTheHeaders() {
        EventBus bus = InMemoryEventBus.builder().build();
        List<Envelope<Object>> received = new CopyOnWriteArrayList<>();
        bus.subscribe("test.shipped", received::add);
        bus.start();
        try {
            EventExternalizationConfiguration configuration = EventExternalizationConfiguration.externalizing()
                    .select(Shipped.class::isInstance).headers(Shipped.class, e -> Map.of("carrier", "dhl")).build();
            ExternalizationTransport transport = new ExternalizationTransport(bus, configuration, new StandardEvaluationContext(), new BusStartGate());

            transport.apply(RoutingTarget.forTarget("test.shipped").andKey("#{orderId()}"), new Shipped("42")).join();
            transport.apply(RoutingTarget.forTarget("test.shipped").withoutKey(), new Shipped("43")).join();

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
            assertThat(received.get(0).payload()).isEqualTo(Map.of("orderId", "42"));
            assertThat(received.get(0).subject()).isEqualTo("42");
            assertThat(received.get(0).headers()).containsEntry("carrier", "dhl");
            assertThat(received.get(1).subject()).isNull();
        } finally {
            bus.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPublicationBeforeTheBusStartedWaitsForIt() {
        EventBus bus = InMemoryEventBus.builder().build();
        List<Envelope<Object>> received = new CopyOnWriteArrayList<>();
        bus.subscribe("test.shipped", received::add);
        BusStartGate started = new BusStartGate();
        try {
            CompletableFuture<?> sent = new ExternalizationTransport(bus, EventExternalizationConfiguration.disabled(),
                    new StandardEvaluationContext(), started).apply(RoutingTarget.forTarget("test.shipped").withoutKey(), new Shipped("42"));
            assertThat(sent).isNotDone();

            bus.start();
            started.start();

            assertThat(sent).succeedsWithin(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        } finally {
            bus.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aHeaderThatIsNoCloudEventsExtensionNameFailsThePublicationRatherThanBeingDropped() {
        EventBus bus = InMemoryEventBus.builder().build();
        bus.start();
        try {
            EventExternalizationConfiguration configuration = EventExternalizationConfiguration.externalizing()
                    .select(Shipped.class::isInstance).headers(Shipped.class, e -> Map.of("X-Carrier", "dhl")).build();
            CompletableFuture<?> sent = new ExternalizationTransport(bus, configuration, new StandardEvaluationContext(), new BusStartGate())
                    .apply(RoutingTarget.forTarget("test.shipped").withoutKey(), new Shipped("42"));

            assertThat(sent).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(IllegalArgumentException.class).withMessageContaining("X-Carrier");
        } finally {
            bus.shutdown(Duration.ofSeconds(5));
        }
    }
}
