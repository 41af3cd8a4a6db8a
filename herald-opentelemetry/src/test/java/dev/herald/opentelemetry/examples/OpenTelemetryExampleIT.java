package dev.herald.opentelemetry.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.opentelemetry.OpenTelemetryObserver;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's OpenTelemetry example, verbatim between the markers, run against a real redis-server. */
class OpenTelemetryExampleIT {

    @EventType("order.placed")
    record OrderPlaced(String orderId, long cents) implements DomainEvent {
    }

    /** Keeps what it exported past the SDK's shutdown (the in-memory exporter forgets it then). */
    private static final class Recording implements SpanExporter {

        final List<SpanData> exported = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Test
    void readmeExample() {
        try (RedisServer redis = RedisServer.start()) {
            String redisUri = redis.uri();
            Recording exporter = new Recording();
            List<String> confirmed = new CopyOnWriteArrayList<>();

            // README-EXAMPLE-START
            OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder()
                            .setResource(Resource.getDefault().toBuilder().put("service.name", "orders-service").build())
                            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()) // e.g. an OTLP exporter
                            .build())
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();

            RedisClient client = RedisClient.create(redisUri);
            EventBus bus = RedisEventBus.builder(client)
                    .source("orders-service")
                    .observer(OpenTelemetryObserver.of(openTelemetry))
                    .build();
            bus.subscribe(OrderPlaced.class, "send-confirmation", e -> {
                Span.current().addEvent("confirming");          // on the span "process order.placed"
                confirmed.add(e.payload().orderId());
            });
            bus.start();

            Tracer tracer = openTelemetry.getTracer("orders");
            Span checkout = tracer.spanBuilder("checkout").startSpan();
            try (Scope scope = checkout.makeCurrent()) {
                bus.publish(new OrderPlaced("42", 9950)).join(); // "send order.placed", a child of "checkout"
            } finally {
                checkout.end();
            }
            // README-EXAMPLE-END

            await().atMost(Duration.ofSeconds(30)).until(() -> confirmed.size() == 1);

            // README-EXAMPLE-START
            // ... later
            bus.shutdown();
            client.shutdown();
            openTelemetry.close();                               // exports the spans still buffered
            // README-EXAMPLE-END

            Map<String, SpanData> spans = exporter.exported.stream()
                    .collect(Collectors.toMap(SpanData::getName, Function.identity()));
            assertThat(spans).containsOnlyKeys("checkout", "send order.placed", "process order.placed");
            assertThat(spans.values()).extracting(SpanData::getTraceId).containsOnly(checkout.getSpanContext().getTraceId());
            assertThat(spans.get("process order.placed").getParentSpanId())
                    .isEqualTo(spans.get("send order.placed").getSpanId());
            assertThat(spans.get("process order.placed").getEvents()).extracting(EventData::getName)
                    .containsExactly("confirming");
        }
    }
}
