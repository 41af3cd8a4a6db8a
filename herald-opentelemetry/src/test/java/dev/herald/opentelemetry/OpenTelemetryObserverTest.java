package dev.herald.opentelemetry;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Envelope;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Publish;
import dev.herald.spi.BusObserver.PublishObservation;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The observer driven through BusObserver's methods, its spans read from the SDK's in-memory exporter. */
class OpenTelemetryObserverTest {

    /**
     * W3C Trace Context: version 00, trace id, parent span id, flags (01 sampled; 02, W3C level 2,
     * a random trace id, which the SDK sets on the traces it starts).
     */
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-3]");
    private static final String FOREIGN_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String FOREIGN_SPAN_ID = "00f067aa0ba902b7";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = sdk(exporter, ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())));
    private final Tracer appTracer = sdk.getTracer("the-application");
    private final OpenTelemetryObserver observer = OpenTelemetryObserver.of(sdk);

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    @Test
    void aPublishIsASendProducerSpanChildOfTheCurrentOneWithTheMessagingAndCloudEventsAttributes() {
        EventAttributes attributes = new EventAttributes();
        Span request = appTracer.spanBuilder("request").startSpan();
        try (var scope = request.makeCurrent()) {
            observer.publishStarted(publish("acc.type", "id-1", attributes)).end(321, null);
        } finally {
            request.end();
        }

        SpanData send = span("send acc.type");
        assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(send.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(send.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(send.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(send.getInstrumentationScopeInfo().getName()).isEqualTo("dev.herald");
        assertThat(send.getAttributes().asMap()).isEqualTo(Attributes.builder()
                .put("messaging.system", "redis")
                .put("messaging.operation.name", "send")
                .put("messaging.operation.type", "send")
                .put("messaging.destination.name", "acc.type")
                .put("messaging.message.id", "id-1")
                .put("messaging.message.envelope.size", 321L)
                .put("cloudevents.event_id", "id-1")
                .put("cloudevents.event_source", "orders-service")
                .put("cloudevents.event_type", "acc.type")
                .put("cloudevents.event_spec_version", "1.0")
                .put("herald.outcome", "success")
                .build().asMap());
    }

    @Test
    void aPublishWritesTheSendSpansContextAsAW3cTraceparent() {
        EventAttributes attributes = new EventAttributes();
        observer.publishStarted(publish("acc.type", "id-1", attributes)).end(100, null);

        SpanData send = span("send acc.type");
        assertThat(send.getParentSpanContext().isValid()).as("no current span: a new trace").isFalse();
        assertThat(attributes.get("traceparent")).matches(TRACEPARENT)
                .isEqualTo("00-" + send.getTraceId() + "-" + send.getSpanId() + "-" + send.getSpanContext().getTraceFlags().asHex());
        assertThat(send.getSpanContext().isSampled()).isTrue();
    }

    @Test
    void theTraceStateAndBaggageOfThePublisherTravelInTheEvent() {
        EventAttributes attributes = new EventAttributes();
        handled(foreignHeaders("vendor=abc"), "first", HandlerOutcome.SUCCESS, () -> {
            try (var baggage = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
                observer.publishStarted(publish("acc.next", "id-2", attributes)).end(100, null);
            }
        });

        assertThat(attributes.get("tracestate")).isEqualTo("vendor=abc");
        assertThat(attributes.get("baggage")).isEqualTo("tenant=acme");
    }

    @Test
    void aFailedPublishEndsItsSpanInErrorWithTheErrorType() {
        observer.publishStarted(publish("acc.type", "id-1", new EventAttributes()))
                .end(-1, new CompletionException(new IllegalStateException("Redis is down")));

        SpanData send = span("send acc.type");
        assertThat(send.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(send.getAttributes().get(stringKey("error.type"))).isEqualTo("java.lang.IllegalStateException");
        assertThat(send.getAttributes().get(stringKey("herald.outcome"))).isEqualTo("error");
        assertThat(send.getAttributes().get(longKey("messaging.message.envelope.size"))).as("not encoded").isNull();
        assertThat(send.getEvents()).extracting(EventData::getName).containsExactly("exception");
    }

    @Test
    void aHandlerRunIsAProcessConsumerSpanChildOfTheSendSpanAndLinkedToIt() {
        EventAttributes attributes = new EventAttributes();
        observer.publishStarted(publish("acc.type", "id-1", attributes)).end(100, null);
        SpanData send = span("send acc.type");

        Envelope<String> event = new Envelope<>("id-1", "acc.type", "orders-service", Instant.now(), "req-7", null,
                "acc-42", attributes.values, "payload");
        HandlerObservation run = observer.handlerStarted(new HandlerRun("redis", "audit", 2, event));
        run.end(HandlerOutcome.SUCCESS, null);

        SpanData process = span("process acc.type");
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
        assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(process.getLinks()).extracting(LinkData::getSpanContext).extracting(SpanContext::getSpanId)
                .containsExactly(send.getSpanId());
        assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(process.getAttributes().asMap()).isEqualTo(Attributes.builder()
                .put("messaging.system", "redis")
                .put("messaging.operation.name", "process")
                .put("messaging.operation.type", "process")
                .put("messaging.destination.name", "acc.type")
                .put("messaging.consumer.group.name", "audit")
                .put("messaging.message.id", "id-1")
                .put("messaging.message.conversation_id", "req-7")
                .put("cloudevents.event_id", "id-1")
                .put("cloudevents.event_source", "orders-service")
                .put("cloudevents.event_type", "acc.type")
                .put("cloudevents.event_subject", "acc-42")
                .put("cloudevents.event_spec_version", "1.0")
                .put("herald.attempt", 2L)
                .put("herald.outcome", "success")
                .build().asMap());
    }

    @Test
    void aForeignPublishersTraceparentIsContinued() {
        handled(foreignHeaders("congo=t61rcWkgMzE"), "audit", HandlerOutcome.SUCCESS, () -> { });

        SpanData process = span("process acc.type");
        assertThat(process.getTraceId()).isEqualTo(FOREIGN_TRACE_ID);
        assertThat(process.getParentSpanId()).isEqualTo(FOREIGN_SPAN_ID);
        assertThat(process.getParentSpanContext().isRemote()).isTrue();
        assertThat(process.getParentSpanContext().getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
        assertThat(process.getLinks()).extracting(l -> l.getSpanContext().getSpanId()).containsExactly(FOREIGN_SPAN_ID);
    }

    @Test
    void aMalformedTraceparentStartsANewTraceWithoutALink() {
        handled(Map.of("traceparent", "00-not-a-trace-01"), "audit", HandlerOutcome.SUCCESS, () -> { });

        SpanData process = span("process acc.type");
        assertThat(process.getParentSpanContext().isValid()).isFalse();
        assertThat(process.getLinks()).isEmpty();
        assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void anEventWithoutTraceparentGetsNoParentNotEvenTheHandlerThreadsCurrentSpan() {
        Span leftover = appTracer.spanBuilder("leftover").startSpan();
        try (var scope = leftover.makeCurrent()) {
            handled(Map.of(), "audit", HandlerOutcome.SUCCESS, () -> { });
        } finally {
            leftover.end();
        }

        SpanData process = span("process acc.type");
        assertThat(process.getParentSpanContext().isValid()).isFalse();
        assertThat(process.getTraceId()).isNotEqualTo(leftover.getSpanContext().getTraceId());
        assertThat(process.getLinks()).isEmpty();
    }

    @Test
    void theProcessSpanIsCurrentInsideTheScopeOnlyAndWhatTheHandlerDoesNestsUnderIt() {
        EventAttributes published = new EventAttributes();
        Envelope<String> event = event(foreignHeaders("vendor=abc"));
        HandlerObservation run = observer.handlerStarted(new HandlerRun("redis", "audit", 1, event));
        SpanContext inside;
        try (BusObserver.Scope scope = run.makeCurrent()) {
            inside = Span.current().getSpanContext();
            appTracer.spanBuilder("handler's own work").startSpan().end();
            observer.publishStarted(publish("acc.next", "id-2", published)).end(100, null);
        }
        SpanContext after = Span.current().getSpanContext();
        run.end(HandlerOutcome.SUCCESS, null);

        SpanData process = span("process acc.type");
        assertThat(inside.getSpanId()).isEqualTo(process.getSpanId());
        assertThat(after.isValid()).isFalse();
        assertThat(span("handler's own work").getParentSpanId()).isEqualTo(process.getSpanId());
        SpanData next = span("send acc.next");
        assertThat(next.getParentSpanId()).isEqualTo(process.getSpanId());
        assertThat(next.getTraceId()).isEqualTo(FOREIGN_TRACE_ID);
        assertThat(published.get("traceparent")).isEqualTo("00-" + FOREIGN_TRACE_ID + "-" + next.getSpanId() + "-01");
    }

    @Test
    void theBaggageReadFromTheEventIsCurrentInsideTheScope() {
        Map<String, String> headers = new LinkedHashMap<>(foreignHeaders("vendor=abc"));
        headers.put("baggage", "tenant=acme");
        String[] tenant = new String[1];

        handled(headers, "audit", HandlerOutcome.SUCCESS, () -> tenant[0] = Baggage.current().getEntryValue("tenant"));

        assertThat(tenant[0]).isEqualTo("acme");
    }

    @Test
    void aFailedHandlerRunIsInErrorWithItsOutcomeAndErrorType() {
        HandlerObservation retried = observer.handlerStarted(new HandlerRun("redis", "audit", 1, event(Map.of())));
        retried.end(HandlerOutcome.RETRIED, new IllegalArgumentException("bad"));
        HandlerObservation deadLettered = observer.handlerStarted(new HandlerRun("redis", "audit", 2, event(Map.of())));
        deadLettered.end(HandlerOutcome.DEAD_LETTERED, new IllegalStateException("worse"));
        HandlerObservation interrupted = observer.handlerStarted(new HandlerRun("redis", "audit", 3, event(Map.of())));
        interrupted.end(HandlerOutcome.ERROR, null);

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).extracting(s -> s.getStatus().getStatusCode()).containsOnly(StatusCode.ERROR);
        assertThat(spans).extracting(s -> s.getAttributes().get(stringKey("herald.outcome")))
                .containsExactly("retried", "dead_lettered", "error");
        assertThat(spans).extracting(s -> s.getAttributes().get(stringKey("error.type")))
                .containsExactly("java.lang.IllegalArgumentException", "java.lang.IllegalStateException", "_OTHER");
        assertThat(spans).extracting(s -> s.getEvents().size()).containsExactly(1, 1, 0);
    }

    @Test
    void withoutW3cPropagatorsTheTraceparentIsWrittenAndReadAllTheSame() {
        InMemorySpanExporter bare = InMemorySpanExporter.create();
        try (OpenTelemetrySdk noPropagators = sdk(bare, ContextPropagators.noop())) {
            OpenTelemetryObserver plain = OpenTelemetryObserver.of(noPropagators);
            EventAttributes attributes = new EventAttributes();
            plain.publishStarted(publish("acc.type", "id-1", attributes)).end(100, null);
            plain.handlerStarted(new HandlerRun("redis", "audit", 1, event(attributes.values)))
                    .end(HandlerOutcome.SUCCESS, null);

            assertThat(attributes.get("traceparent")).matches(TRACEPARENT);
            assertThat(bare.getFinishedSpanItems()).extracting(SpanData::getTraceId).hasSize(2).containsOnly(
                    bare.getFinishedSpanItems().get(0).getTraceId());
        }
    }

    @Test
    void aPropagatorsFieldThatCannotBeAnExtensionAttributeIsLeftOut() {
        InMemorySpanExporter b3 = InMemorySpanExporter.create();
        try (OpenTelemetrySdk withB3 = sdk(b3, ContextPropagators.create(TextMapPropagator.composite(
                W3CTraceContextPropagator.getInstance(), new UpperCaseFieldPropagator())))) {
            EventAttributes attributes = new EventAttributes();
            PublishObservation send = OpenTelemetryObserver.of(withB3)
                    .publishStarted(publish("acc.type", "id-1", attributes));
            send.end(100, null);

            assertThat(attributes.values).containsOnlyKeys("traceparent");
            assertThat(b3.getFinishedSpanItems()).hasSize(1);
        }
    }

    private void handled(Map<String, String> headers, String handler, HandlerOutcome outcome, Runnable body) {
        HandlerObservation run = observer.handlerStarted(new HandlerRun("redis", handler, 1, event(headers)));
        try (BusObserver.Scope scope = run.makeCurrent()) {
            body.run();
        }
        run.end(outcome, null);
    }

    private SpanData span(String name) {
        List<SpanData> named = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named '%s' among %s", name, exporter.getFinishedSpanItems()).hasSize(1);
        return named.get(0);
    }

    private static Map<String, String> foreignHeaders(String tracestate) {
        return Map.of("traceparent", "00-" + FOREIGN_TRACE_ID + "-" + FOREIGN_SPAN_ID + "-01", "tracestate", tracestate);
    }

    private static Envelope<String> event(Map<String, String> headers) {
        return new Envelope<>("id-1", "acc.type", "orders-service", Instant.now(), null, null, null, headers, "payload");
    }

    private static Publish publish(String type, String id, EventAttributes attributes) {
        return new Publish("redis", type, id, "orders-service", attributes);
    }

    static OpenTelemetrySdk sdk(InMemorySpanExporter exporter, ContextPropagators propagators) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .setPropagators(propagators)
                .build();
    }

    /** A published event's extension attributes, refusing the names Herald refuses. */
    static final class EventAttributes implements BusObserver.Attributes {

        private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
        private static final Set<String> HERALDS = Set.of("id", "source", "type", "time", "subject", "correlationid");

        final Map<String, String> values = new LinkedHashMap<>();

        @Override
        public @Nullable String get(String name) {
            return values.get(name);
        }

        @Override
        public void set(String name, String value) {
            if (!EXTENSION_NAME.matcher(name).matches() || HERALDS.contains(name)) {
                throw new IllegalArgumentException("not an extension name: '" + name + "'");
            }
            values.put(name, value);
        }
    }

    /** Writes a field no CloudEvent can carry, as B3's multi-header format does. */
    private static final class UpperCaseFieldPropagator implements TextMapPropagator {

        @Override
        public Collection<String> fields() {
            return List.of("X-B3-TraceId");
        }

        @Override
        public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
            setter.set(carrier, "X-B3-TraceId", Span.fromContext(context).getSpanContext().getTraceId());
        }

        @Override
        public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
            return context;
        }
    }
}
