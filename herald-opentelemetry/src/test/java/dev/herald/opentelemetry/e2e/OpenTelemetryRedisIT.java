package dev.herald.opentelemetry.e2e;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.opentelemetry.OpenTelemetryObserver;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two buses, each with its own RedisClient and its own OpenTelemetry SDK (two services), on a real
 * redis-server: one trace runs from the publisher's span through Redis into the handler.
 *
 * <p>In a package of its own, so that {@code dev.herald.opentelemetry} is defined by the module's
 * jar, with its manifest, as in an application.
 */
class OpenTelemetryRedisIT {

    @EventType("acc.type")
    public record AccType(String account) implements DomainEvent {
    }

    @EventType("acc.done")
    public record AccDone(String account) implements DomainEvent {
    }

    /** W3C Trace Context; flags 01 sampled, 02 (level 2) a random trace id. */
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]");
    private static final String FOREIGN_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String FOREIGN_SPAN_ID = "b7ad6b7169203331";

    /** Both services export here, as to one tracing backend. */
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void sendAndProcessShareOneTraceAcrossTwoBusesAndTheStreamEntryCarriesItsTraceparent() throws Exception {
        RedisServer redis = track(RedisServer.start());
        OpenTelemetrySdk ordersTelemetry = service("orders-service");
        EventBus orders = bus(redis, RedisEventBus.Mode.STREAMS, "orders-service", ordersTelemetry);
        EventBus billing = bus(redis, RedisEventBus.Mode.STREAMS, "billing-service", service("billing-service"));
        List<SpanContext> current = new CopyOnWriteArrayList<>();
        billing.subscribe(AccType.class, "charge", e -> current.add(Span.current().getSpanContext()));
        orders.start();
        billing.start();

        SpanContext checkout = publishInASpan(orders, ordersTelemetry, new AccType("acc-1"));

        SpanData process = awaitSpan("process acc.type");
        SpanData send = span("send acc.type");
        assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(send.getTraceId()).isEqualTo(checkout.getTraceId());
        assertThat(send.getParentSpanId()).isEqualTo(checkout.getSpanId());
        assertThat(send.getResource().getAttribute(stringKey("service.name"))).isEqualTo("orders-service");
        assertThat(send.getInstrumentationScopeInfo().getName()).isEqualTo("dev.herald");
        assertThat(send.getInstrumentationScopeInfo().getVersion()).as("Herald's version, from the jar's manifest")
                .isNotNull().isEqualTo(OpenTelemetryObserver.class.getPackage().getImplementationVersion());
        assertThat(send.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                stringKey("messaging.system"), "redis",
                stringKey("messaging.operation.type"), "send",
                stringKey("messaging.destination.name"), "acc.type",
                stringKey("cloudevents.event_type"), "acc.type",
                stringKey("cloudevents.event_source"), "orders-service",
                stringKey("herald.outcome"), "success"));
        String eventId = send.getAttributes().get(stringKey("messaging.message.id"));
        assertThat(send.getAttributes().get(stringKey("cloudevents.event_id"))).isEqualTo(eventId);

        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
        assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(process.getLinks()).extracting(LinkData::getSpanContext).extracting(SpanContext::getSpanId)
                .containsExactly(send.getSpanId());
        assertThat(process.getResource().getAttribute(stringKey("service.name"))).isEqualTo("billing-service");
        assertThat(process.getAttributes().asMap()).containsAllEntriesOf(Map.of(
                stringKey("messaging.system"), "redis",
                stringKey("messaging.operation.type"), "process",
                stringKey("messaging.destination.name"), "acc.type",
                stringKey("messaging.consumer.group.name"), "charge",
                stringKey("messaging.message.id"), eventId,
                stringKey("cloudevents.event_id"), eventId,
                stringKey("cloudevents.event_source"), "orders-service",
                stringKey("cloudevents.event_type"), "acc.type",
                stringKey("herald.outcome"), "success"));
        assertThat(current).extracting(SpanContext::getSpanId).as("the process span is current in the handler")
                .containsExactly(process.getSpanId());

        List<StreamMessage<String, String>> entries = raw(redis).xrange("herald:stream:acc.type", Range.create("-", "+"));
        assertThat(entries).hasSize(1);
        String traceparent = traceparentOf(entries.get(0).getBody().get("event"));
        assertThat(traceparent).matches(TRACEPARENT).startsWith("00-" + send.getTraceId() + "-" + send.getSpanId() + "-");
    }

    @Test
    void aTraceparentFromAForeignPublisherIsContinued() {
        RedisServer redis = track(RedisServer.start());
        EventBus billing = bus(redis, RedisEventBus.Mode.PUBSUB, "billing-service", service("billing-service"));
        List<String> handled = new CopyOnWriteArrayList<>();
        billing.subscribe(AccType.class, "charge", e -> handled.add(e.payload().account()));
        billing.start();

        // as the CloudEvents SDK for Node.js writes it, published with a plain client
        long receivers = raw(redis).publish("herald:acc.type", "{\"specversion\":\"1.0\",\"id\":\"node-1\","
                + "\"source\":\"/checkout-node\",\"type\":\"acc.type\",\"datacontenttype\":\"application/json\","
                + "\"traceparent\":\"00-" + FOREIGN_TRACE_ID + "-" + FOREIGN_SPAN_ID + "-01\","
                + "\"tracestate\":\"rojo=00f067aa0ba902b7\",\"data\":{\"account\":\"acc-9\"}}");
        assertThat(receivers).isEqualTo(1);

        SpanData process = awaitSpan("process acc.type");
        assertThat(handled).containsExactly("acc-9");
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).isEqualTo(FOREIGN_TRACE_ID);
        assertThat(process.getParentSpanId()).isEqualTo(FOREIGN_SPAN_ID);
        assertThat(process.getParentSpanContext().getTraceState().get("rojo")).isEqualTo("00f067aa0ba902b7");
        assertThat(process.getLinks()).extracting(l -> l.getSpanContext().getSpanId()).containsExactly(FOREIGN_SPAN_ID);
        assertThat(process.getAttributes().get(stringKey("cloudevents.event_source"))).isEqualTo("/checkout-node");
        assertThat(process.getAttributes().get(stringKey("messaging.message.id"))).isEqualTo("node-1");
    }

    @Test
    void anEventPublishedByAHandlerContinuesTheTraceAndTheHandlersOwnSpansNestUnderItsRun() {
        RedisServer redis = track(RedisServer.start());
        OpenTelemetrySdk ordersTelemetry = service("orders-service");
        OpenTelemetrySdk billingTelemetry = service("billing-service");
        EventBus orders = bus(redis, RedisEventBus.Mode.PUBSUB, "orders-service", ordersTelemetry);
        EventBus billing = bus(redis, RedisEventBus.Mode.PUBSUB, "billing-service", billingTelemetry);
        billing.subscribe(AccType.class, "charge", e -> {
            billingTelemetry.getTracer("billing").spanBuilder("charge card").startSpan().end();
            billing.publish(new AccDone(e.payload().account())).join();
        });
        orders.subscribe(AccDone.class, "close-order", e -> { });
        orders.start();
        billing.start();

        SpanContext checkout = publishInASpan(orders, ordersTelemetry, new AccType("acc-2"));

        SpanData closed = awaitSpan("process acc.done");
        SpanData sendType = span("send acc.type");
        SpanData processType = awaitSpan("process acc.type");
        SpanData charge = span("charge card");
        SpanData sendDone = span("send acc.done");
        assertThat(List.of(sendType, processType, charge, sendDone, closed)).extracting(SpanData::getTraceId)
                .containsOnly(checkout.getTraceId());
        assertThat(charge.getParentSpanId()).isEqualTo(processType.getSpanId());
        assertThat(sendDone.getParentSpanId()).isEqualTo(processType.getSpanId());
        assertThat(closed.getParentSpanId()).isEqualTo(sendDone.getSpanId());
        assertThat(closed.getAttributes().get(stringKey("messaging.consumer.group.name"))).isEqualTo("close-order");
    }

    /** Publishes inside the publishing service's span 'checkout', as a request handler would. */
    private static SpanContext publishInASpan(EventBus bus, OpenTelemetrySdk telemetry, Object event) {
        Span checkout = telemetry.getTracer("shop").spanBuilder("checkout").startSpan();
        try (Scope scope = checkout.makeCurrent()) {
            bus.publish(event).join();
        } finally {
            checkout.end();
        }
        return checkout.getSpanContext();
    }

    private OpenTelemetrySdk service(String name) {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setResource(Resource.getDefault().toBuilder().put("service.name", name).build())
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        resources.add(sdk::shutdown);
        return sdk;
    }

    /** A bus on its own RedisClient, as in its own service. */
    private EventBus bus(RedisServer redis, RedisEventBus.Mode mode, String source, OpenTelemetrySdk telemetry) {
        RedisClient client = RedisClient.create(redis.uri());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        EventBus bus = RedisEventBus.builder(client).mode(mode).source(source)
                .observer(OpenTelemetryObserver.of(telemetry))
                .build();
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    private RedisCommands<String, String> raw(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        return client.connect().sync();
    }

    private RedisServer track(RedisServer redis) {
        resources.add(redis);
        return redis;
    }

    private SpanData awaitSpan(String name) {
        eventually().untilAsserted(() -> assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
                .contains(name));
        return span(name);
    }

    private SpanData span(String name) {
        List<SpanData> named = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named '%s' among %s", name, exporter.getFinishedSpanItems()).hasSize(1);
        return named.get(0);
    }

    private static String traceparentOf(String cloudEvent) throws JsonProcessingException {
        JsonNode traceparent = new ObjectMapper().readTree(cloudEvent).path("traceparent");
        assertThat(traceparent.isTextual()).as("a traceparent attribute in %s", cloudEvent).isTrue();
        return traceparent.asText();
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20));
    }
}
