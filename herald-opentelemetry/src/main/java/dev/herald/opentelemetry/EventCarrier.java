package dev.herald.opentelemetry;

import dev.herald.spi.BusObserver;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The event as a carrier of trace context: written through a published event's extension
 * attributes, read from a handled event's headers.
 */
final class EventCarrier {

    /** The field the CloudEvents distributed-tracing extension and W3C Trace Context share. */
    private static final String TRACEPARENT = "traceparent";

    /**
     * Sets a propagator's field as an extension attribute; a field whose name cannot be one (not
     * 1 to 20 lower-case letters or digits, or one Herald sets itself) is not carried.
     */
    static final TextMapSetter<BusObserver.Attributes> SETTER = (attributes, name, value) -> {
        if (attributes != null) {
            try {
                attributes.set(name, value);
            } catch (IllegalArgumentException notAnExtensionName) {
                // such as B3's "X-B3-TraceId": it cannot travel in a CloudEvent
            }
        }
    };

    /** Reads a propagator's field from an event's extension attributes. */
    static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> headers) {
            return headers.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> headers, String name) {
            return headers == null ? null : headers.get(name);
        }
    };

    private EventCarrier() {
    }

    /**
     * The propagator for events: the given one if it writes {@code traceparent}, else W3C Trace
     * Context followed by it, as the CloudEvents distributed-tracing extension requires W3C's format.
     *
     * @param propagators the OpenTelemetry instance's
     * @return the propagator to inject and extract with
     */
    static TextMapPropagator propagator(ContextPropagators propagators) {
        TextMapPropagator configured = propagators.getTextMapPropagator();
        if (configured.fields().contains(TRACEPARENT)) {
            return configured;
        }
        return TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), configured);
    }
}
