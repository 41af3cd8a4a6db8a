package dev.herald.internal.dispatch;

import dev.herald.internal.codec.IncomingEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The event being handled on this thread: for correlation and causation of events a handler
 * publishes, and for the logging MDC.
 *
 * <p>No thread-local: a worker registers its thread for as long as its loop runs
 * ({@link #runBound}), and {@link #current()} only looks the calling thread up. An application's
 * thread that publishes, platform or virtual, is never written to, and nothing of Herald's stays
 * on a thread once its worker loop has ended.
 */
public final class HandlingContext {

    static final String MDC_EVENT_ID = "herald.eventId";
    static final String MDC_EVENT_TYPE = "herald.eventType";
    static final String MDC_HANDLER = "herald.handler";
    static final String MDC_CORRELATION_ID = "herald.correlationId";

    /**
     * The holder of each thread that runs handlers now, written in place per event. Threads are
     * compared by identity ({@link Thread} keeps {@code Object}'s {@code equals}).
     */
    private static final Map<Thread, Holder> HANDLING = new ConcurrentHashMap<>();

    private static final class Holder {
        /** Registered by {@link #enter} for one handler call, not by a worker's loop: removed on {@link #exit}. */
        final boolean forOneCall;
        @Nullable IncomingEvent event;

        Holder(boolean forOneCall) {
            this.forOneCall = forOneCall;
        }
    }

    private HandlingContext() {
    }

    public static @Nullable IncomingEvent current() {
        Holder holder = HANDLING.get(Thread.currentThread());
        return holder != null ? holder.event : null;
    }

    /** Runs a worker's loop with its thread registered, and unregistered when the loop ends. */
    static void runBound(Runnable loop) {
        Thread thread = Thread.currentThread();
        HANDLING.put(thread, new Holder(false));
        try {
            loop.run();
        } finally {
            HANDLING.remove(thread);
        }
    }

    static void enter(IncomingEvent event, String handler) {
        Thread thread = Thread.currentThread();
        Holder holder = HANDLING.get(thread);
        if (holder == null) {
            holder = new Holder(true);
            HANDLING.put(thread, holder);
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
        Thread thread = Thread.currentThread();
        Holder holder = HANDLING.get(thread);
        if (holder != null) {
            if (holder.forOneCall) {
                HANDLING.remove(thread);
            } else {
                holder.event = null;
            }
        }
        MDC.remove(MDC_EVENT_ID);
        MDC.remove(MDC_EVENT_TYPE);
        MDC.remove(MDC_HANDLER);
        MDC.remove(MDC_CORRELATION_ID);
    }
}
