package dev.herald.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The event being handled on this thread: for correlation and causation of events a handler
 * publishes, and for the logging MDC.
 */
final class HandlingContext {

    static final String MDC_EVENT_ID = "herald.eventId";
    static final String MDC_EVENT_TYPE = "herald.eventType";
    static final String MDC_HANDLER = "herald.handler";
    static final String MDC_CORRELATION_ID = "herald.correlationId";

    private static final ThreadLocal<IncomingEvent> CURRENT = new ThreadLocal<>();

    private HandlingContext() {
    }

    static @Nullable IncomingEvent current() {
        return CURRENT.get();
    }

    static void enter(IncomingEvent event, String handler) {
        CURRENT.set(event);
        MDC.put(MDC_EVENT_ID, event.id());
        MDC.put(MDC_EVENT_TYPE, event.type());
        MDC.put(MDC_HANDLER, handler);
        if (event.correlationId() != null) {
            MDC.put(MDC_CORRELATION_ID, event.correlationId());
        }
    }

    static void exit() {
        CURRENT.set(null); // not remove(): that clears the entry's reference (a native call) and the next set makes a new one
        MDC.remove(MDC_EVENT_ID);
        MDC.remove(MDC_EVENT_TYPE);
        MDC.remove(MDC_HANDLER);
        MDC.remove(MDC_CORRELATION_ID);
    }
}
