package dev.herald.micrometer;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.RedisClient;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MicrometerObserver's observations bridged to OpenTelemetry by Micrometer Tracing
 * ({@code micrometer-tracing-bridge-otel}), as an application with Spring Boot's tracing has them:
 * two services, each with its own RedisClient, ObservationRegistry and OpenTelemetry SDK, on a real
 * redis-server; one trace runs from the publisher's observation through Redis into the handler.
 */
class MicrometerTracingBridgeIT {

    @EventType("acc.type")
    public record AccType(String account) implements DomainEvent {
    }

    /** Both services export here, as to one tracing backend. */
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final Resources resources = new Resources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    /** One service: its bus, with Micrometer Tracing's bridge to its OpenTelemetry SDK. */
    private record Service(EventBus bus, Tracer tracer, ObservationRegistry observations) {
    }

    @ParameterizedTest
    @EnumSource(RedisEventBus.Mode.class)
    void sendAndProcessObservationsBecomeAProducerAndAConsumerSpanOfOneTrace(RedisEventBus.Mode mode) {
        RedisServer redis = resources.add(RedisServer.start());
        Service orders = service(redis, mode, "orders-service");
        Service billing = service(redis, mode, "billing-service");
        EventBus publisher = orders.bus();
        EventBus handler = billing.bus();
        List<String> currentInHandler = new CopyOnWriteArrayList<>();
        handler.subscribe(AccType.class, "charge", e -> currentInHandler.add(billing.tracer().currentSpan().context().spanId()));
        publisher.start();
        handler.start();

        Observation checkout = Observation.start("checkout", orders.observations());
        try (Observation.Scope scope = checkout.openScope()) {
            publisher.publish(new AccType("acc-1")).join();
        } finally {
            checkout.stop();
        }

        await().atMost(30, TimeUnit.SECONDS).until(() -> named("process acc.type").size() == 1);
        SpanData parent = single("checkout");
        SpanData send = single("send acc.type");
        SpanData process = single("process acc.type");
        assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(send.getTraceId()).isEqualTo(parent.getTraceId());
        assertThat(send.getParentSpanId()).as("a child of the observation it was published in").isEqualTo(parent.getSpanId());
        assertThat(send.getResource().getAttribute(stringKey("service.name"))).isEqualTo("orders-service");
        assertThat(send.getAttributes().get(stringKey("messaging.destination.name"))).isEqualTo("acc.type");
        assertThat(send.getAttributes().get(stringKey("outcome"))).isEqualTo("success");

        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).as("one trace through Redis").isEqualTo(send.getTraceId());
        assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(process.getResource().getAttribute(stringKey("service.name"))).isEqualTo("billing-service");
        assertThat(process.getAttributes().get(stringKey("messaging.consumer.group.name"))).isEqualTo("charge");
        assertThat(process.getAttributes().get(stringKey("outcome"))).isEqualTo("success");
        assertThat(currentInHandler).as("the process span is current while the handler runs")
                .containsExactly(process.getSpanId());
    }

    /**
     * A service: its OpenTelemetry SDK, exporting to the shared exporter, and its bus on its own
     * RedisClient, observed through an ObservationRegistry bridged to the SDK as the README shows.
     */
    private Service service(RedisServer redis, RedisEventBus.Mode mode, String source) {
        OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setResource(Resource.getDefault().toBuilder().put("service.name", source).build())
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        resources.add(openTelemetry::shutdown);
        RedisClient client = RedisClient.create(redis.uri());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));

        // README-EXAMPLE-START
        io.opentelemetry.api.trace.Tracer otelTracer = openTelemetry.getTracer("micrometer");
        OtelCurrentTraceContext currentTraceContext = new OtelCurrentTraceContext();
        OtelTracer tracer = new OtelTracer(otelTracer, currentTraceContext, event -> { },
                new OtelBaggageManager(currentTraceContext, List.of(), List.of()));
        OtelPropagator propagator = new OtelPropagator(openTelemetry.getPropagators(), otelTracer);
        ObservationRegistry observationRegistry = ObservationRegistry.create();
        observationRegistry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),   // herald.publish: writes traceparent
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator), // herald.process: reads it
                new DefaultTracingObservationHandler(tracer)));
        EventBus bus = RedisEventBus.builder(client)
                .mode(mode)
                .source(source)
                .observer(MicrometerObserver.of(observationRegistry))
                .build();
        // README-EXAMPLE-END
        resources.add(bus);
        return new Service(bus, tracer, observationRegistry);
    }

    private List<SpanData> named(String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private SpanData single(String name) {
        List<SpanData> named = named(name);
        assertThat(named).as("spans named '%s' among %s", name, exporter.getFinishedSpanItems()).hasSize(1);
        return named.get(0);
    }
}
