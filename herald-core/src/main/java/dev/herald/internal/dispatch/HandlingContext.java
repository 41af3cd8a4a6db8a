package dev.herald.internal.dispatch;

import dev.herald.internal.codec.IncomingEvent;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The event being handled on this thread: for correlation and causation of events a handler
 * publishes, and for the logging MDC.
 */
public final class HandlingContext {

    static final String MDC_EVENT_ID = "herald.eventId";
    static final String MDC_EVENT_TYPE = "herald.eventType";
    static final String MDC_HANDLER = "herald.handler";
    static final String MDC_CORRELATION_ID = "herald.correlationId";

    /**
     * A holder per handling thread, written in place: {@link ThreadLocal#set} also sweeps the
     * thread's map for stale entries, which measured at about 3% of a handler thread's time.
     */
    private static final ThreadLocal<Holder> CURRENT = new ThreadLocal<>();

    private static final class Holder {
        @Nullable IncomingEvent event;
    }

    private HandlingContext() {
    }

    public static @Nullable IncomingEvent current() {
        Holder holder = CURRENT.get();
        return holder != null ? holder.event : null;
    }

    static void enter(IncomingEvent event, String handler) {
        Holder holder = CURRENT.get();
        if (holder == null) {
            holder = new Holder();
            CURRENT.set(holder);
        }
        holder.event = event;
        MDC.put(MDC_EVENT_ID, event.id());
        MDC.put(MDC_EVENT_TYPE, event.type());
        MDC.put(MDC_HANDLER, handler);
        if (event.correlationId() != null) {
            MDC.put(MDC_CORRELATION_ID, event.correlationId());
        }
    }

    static void exit() {
        Holder holder = CURRENT.get();
        if (holder != null) {
            holder.event = null;
        }
        MDC.remove(MDC_EVENT_ID);
        MDC.remove(MDC_EVENT_TYPE);
        MDC.remove(MDC_HANDLER);
        MDC.remove(MDC_CORRELATION_ID);
    }
}
