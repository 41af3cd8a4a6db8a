package dev.herald.opentelemetry;

import dev.herald.Envelope;
import dev.herald.spi.BusObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BusObserver} that traces Herald's events with OpenTelemetry, following its semantic
 * conventions for messaging and for CloudEvents: a {@code send <type>} span ({@link SpanKind#PRODUCER})
 * per publish, a {@code process <type>} span ({@link SpanKind#CONSUMER}) per handler run.
 *
 * <pre>{@code
 * EventBus bus = RedisEventBus.builder(client)
 *         .observer(OpenTelemetryObserver.of(openTelemetry))
 *         .build();
 * }</pre>
 *
 * <p>The send span is a child of the publishing thread's current context. Its context travels in
 * the event as the CloudEvents distributed-tracing extension: the attributes {@code traceparent} and
 * {@code tracestate}, in W3C Trace Context format, whatever propagators the {@link OpenTelemetry}
 * has; what else those propagators carry (such as {@code baggage}) travels too, under each field's
 * name where it is a CloudEvents extension name. A process span's parent is the context read back
 * from the event, and it carries a link to that same span, so one trace runs across services,
 * also when another program published the event (a CloudEvent with a {@code traceparent}, from any
 * CloudEvents SDK). An event without a valid {@code traceparent} (absent or malformed) starts a new
 * trace. Around the handler's call the process span is current: the handler's own spans nest
 * under it, and an event it publishes continues the trace.
 *
 * <p>Attributes of both spans: {@code messaging.system} ({@code redis}, {@code herald-memory}),
 * {@code messaging.operation.name} and {@code messaging.operation.type} ({@code send} or
 * {@code process}), {@code messaging.destination.name} (the event type), {@code messaging.message.id},
 * {@code cloudevents.event_id}, {@code cloudevents.event_source}, {@code cloudevents.event_type},
 * {@code cloudevents.event_spec_version}, and {@code herald.outcome}; on the send span also
 * {@code messaging.message.envelope.size} (the encoded CloudEvent's bytes); on the process span also
 * {@code messaging.consumer.group.name} (the handler name), {@code messaging.message.conversation_id}
 * (the correlation id), {@code cloudevents.event_subject} when the event has one, and
 * {@code herald.attempt} (1 for the first call). {@code herald.outcome} is {@code success} or
 * {@code error} for a send, and {@code success}, {@code retried}, {@code dead_lettered} or
 * {@code error} for a handler run. A failed publish or handler run has the status
 * {@link StatusCode#ERROR}, {@code error.type} (the exception's class name, {@code _OTHER} without
 * one) and the exception recorded as an event.
 *
 * <p>Spans are made by the tracer named {@value #INSTRUMENTATION_NAME}, its version Herald's (when
 * run from Herald's jar). Immutable and thread-safe, as a {@link BusObserver} must be.
 */
public final class OpenTelemetryObserver implements BusObserver {

    /** The instrumentation scope name of Herald's spans. */
    public static final String INSTRUMENTATION_NAME = "dev.herald";

    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("messaging.message.conversation_id");
    private static final AttributeKey<Long> ENVELOPE_SIZE = AttributeKey.longKey("messaging.message.envelope.size");
    private static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
    private static final AttributeKey<String> EVENT_SOURCE = AttributeKey.stringKey("cloudevents.event_source");
    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    private static final AttributeKey<String> EVENT_SUBJECT = AttributeKey.stringKey("cloudevents.event_subject");
    private static final AttributeKey<String> SPEC_VERSION = AttributeKey.stringKey("cloudevents.event_spec_version");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("herald.outcome");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("herald.attempt");

    private static final String SEND = "send";
    private static final String PROCESS = "process";
    private static final String OTHER_ERROR = "_OTHER";

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private OpenTelemetryObserver(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * An observer making its spans with the given OpenTelemetry's tracer provider, and carrying
     * their context with its propagators (plus W3C Trace Context, if they lack it).
     *
     * @param openTelemetry the OpenTelemetry instance, such as the application's SDK or {@code GlobalOpenTelemetry.get()}
     * @return the observer
     */
    public static OpenTelemetryObserver of(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        TracerBuilder tracer = openTelemetry.getTracerProvider().tracerBuilder(INSTRUMENTATION_NAME);
        String version = OpenTelemetryObserver.class.getPackage().getImplementationVersion();
        if (version != null) {
            tracer.setInstrumentationVersion(version);
        }
        return new OpenTelemetryObserver(tracer.build(), EventCarrier.propagator(openTelemetry.getPropagators()));
    }

    @Override
    public PublishObservation publishStarted(Publish publish) {
        Context parent = Context.current();
        Span span = spanBuilder(SEND, SpanKind.PRODUCER, publish.system(), publish.eventType(), publish.eventId(),
                publish.source())
                .setParent(parent)
                .startSpan();
        propagator.inject(parent.with(span), publish.attributes(), EventCarrier.SETTER);
        return new Send(span);
    }

    @Override
    public HandlerObservation handlerStarted(HandlerRun run) {
        Envelope<?> event = run.event();
        // from the root, not the handler thread's current context: only the event's own trace counts
        Context publisher = propagator.extract(Context.root(), event.headers(), EventCarrier.GETTER);
        SpanContext publishSpan = Span.fromContext(publisher).getSpanContext();
        SpanBuilder builder = spanBuilder(PROCESS, SpanKind.CONSUMER, run.system(), event.type(), event.id(), event.source())
                .setParent(publisher)
                .setAttribute(CONSUMER_GROUP, run.handlerName())
                .setAttribute(ATTEMPT, (long) run.attempt());
        String correlationId = event.correlationId();
        if (correlationId != null) {
            builder.setAttribute(CONVERSATION_ID, correlationId);
        }
        String subject = event.subject();
        if (subject != null) {
            builder.setAttribute(EVENT_SUBJECT, subject);
        }
        if (publishSpan.isValid()) {
            builder.addLink(publishSpan);
        }
        Span span = builder.startSpan();
        return new Process(publisher.with(span), span);
    }

    /** A span named {@code <operation> <type>} with the attributes send and process spans share. */
    private SpanBuilder spanBuilder(String operation, SpanKind kind, String system, String type, String id, String source) {
        return tracer.spanBuilder(operation + " " + type)
                .setSpanKind(kind)
                .setAttribute(MESSAGING_SYSTEM, system)
                .setAttribute(OPERATION_NAME, operation)
                .setAttribute(OPERATION_TYPE, operation)
                .setAttribute(DESTINATION, type)
                .setAttribute(MESSAGE_ID, id)
                .setAttribute(EVENT_ID, id)
                .setAttribute(EVENT_SOURCE, source)
                .setAttribute(EVENT_TYPE, type)
                .setAttribute(SPEC_VERSION, "1.0");
    }

    /** A publish's span, ended with the publish's outcome. */
    private record Send(Span span) implements PublishObservation {

        @Override
        public void end(int sizeBytes, @Nullable Throwable failure) {
            if (sizeBytes >= 0) {
                span.setAttribute(ENVELOPE_SIZE, (long) sizeBytes);
            }
            if (failure == null) {
                span.setAttribute(OUTCOME, "success");
            } else {
                span.setAttribute(OUTCOME, "error");
                failed(span, failure);
            }
            span.end();
        }
    }

    /** A handler run's span, current around the call, ended with its outcome. */
    private record Process(Context context, Span span) implements HandlerObservation {

        @Override
        public Scope makeCurrent() {
            return context.makeCurrent()::close;
        }

        @Override
        public void end(HandlerOutcome outcome, @Nullable Throwable error) {
            span.setAttribute(OUTCOME, outcome.tagValue());
            if (outcome != HandlerOutcome.SUCCESS || error != null) {
                failed(span, error);
            }
            span.end();
        }
    }

    private static void failed(Span span, @Nullable Throwable error) {
        span.setStatus(StatusCode.ERROR);
        if (error == null) {
            span.setAttribute(ERROR_TYPE, OTHER_ERROR);
            return;
        }
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        span.setAttribute(ERROR_TYPE, cause.getClass().getName());
        span.recordException(cause);
    }
}
