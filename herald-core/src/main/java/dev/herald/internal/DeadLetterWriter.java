package dev.herald.internal;

import dev.herald.DeadLetter;
import dev.herald.DeadLetter.Reason;
import dev.herald.spi.DeadLetterStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns failures into dead letters: builds them, stores them, counts them and logs each once. */
final class DeadLetterWriter {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final int MAX_STACK_CHARS = 4000;
    /** A shutdown under load may park thousands: the first are logged one by one, the rest summed up by the report. */
    static final int PARKED_LOGGED_AT_WARN = 20;
    private final AtomicLong parkedLogged = new AtomicLong();

    private final DeadLetterStore store;
    private final BusCounters counters;
    private final Clock clock;
    private final Supplier<String> ids;

    DeadLetterWriter(DeadLetterStore store, BusCounters counters, Clock clock, Supplier<String> ids) {
        this.store = store;
        this.counters = counters;
        this.clock = clock;
        this.ids = ids;
    }

    /** Bad input: the message never reached the handler. */
    DeadLetter rejected(InvalidMessageException problem, byte[] raw, @Nullable IncomingEvent event, String handler) {
        Instant now = clock.instant();
        DeadLetter letter = new DeadLetter(ids.get(), problem.reason(), event != null ? event.type() : null,
                event != null ? event.id() : null, handler, 0, problem.getMessage(), null, null, raw, now, now);
        log.error("Dead letter {} ({}) for handler '{}': {}; raw message kept ({} bytes)",
                letter.id(), letter.reason(), handler, problem.getMessage(), raw.length);
        return store(letter);
    }

    /** The handler failed on its last attempt. */
    DeadLetter failed(IncomingEvent event, byte[] raw, String handler, RetryingInvoker.Outcome outcome) {
        Throwable failure = outcome.failure();
        Instant now = clock.instant();
        Instant first = outcome.firstFailure() != null ? outcome.firstFailure() : now;
        Instant last = outcome.lastFailure() != null ? outcome.lastFailure() : now;
        DeadLetter letter = new DeadLetter(ids.get(), Reason.HANDLER_FAILED, event.type(), event.id(), handler,
                outcome.attempts(), describe(failure), failure != null ? failure.getClass().getName() : null,
                stackTrace(failure), raw, first, last);
        log.error("Handler '{}' failed on event {} (type '{}', correlation {}) after {} attempt(s); dead letter {}",
                handler, event.id(), event.type(), event.correlationId(), outcome.attempts(), letter.id(), failure);
        return store(letter);
    }

    /** Shutdown deadline: the event was received but not finished. */
    DeadLetter parked(byte[] raw, @Nullable IncomingEvent event, String handler, int attempts) {
        Instant now = clock.instant();
        DeadLetter letter = new DeadLetter(ids.get(), Reason.SHUTDOWN, event != null ? event.type() : null,
                event != null ? event.id() : null, handler, attempts,
                "the bus shut down before handler '" + handler + "' finished this event", null, null, raw, now, now);
        long n = parkedLogged.incrementAndGet();
        if (n <= PARKED_LOGGED_AT_WARN) {
            log.warn("Parked event {} of handler '{}' as dead letter {} (SHUTDOWN){}",
                    letter.eventId() != null ? letter.eventId() : "(received, not decoded yet)", handler, letter.id(),
                    n == PARKED_LOGGED_AT_WARN ? "; further parked events are logged at DEBUG, and counted in the shutdown report" : "");
        } else {
            log.debug("Parked event {} of handler '{}' as dead letter {} (SHUTDOWN)", letter.eventId(), handler, letter.id());
        }
        counters.parked.increment();
        return store(letter);
    }

    /** A message delivered more often than the transport's limit without being finished: a poison message. */
    DeadLetter overDelivered(byte[] raw, @Nullable IncomingEvent event, String handler, int deliveries) {
        Instant now = clock.instant();
        DeadLetter letter = new DeadLetter(ids.get(), Reason.HANDLER_FAILED, event != null ? event.type() : null,
                event != null ? event.id() : null, handler, deliveries - 1,
                "delivered " + deliveries + " times without being finished (the consumers handling it stopped or crashed);"
                        + " over the delivery limit, so it is not tried again", null, null, raw, now, now);
        log.error("Event {} was delivered {} times to handler '{}' without being finished: dead letter {}",
                letter.eventId(), deliveries, handler, letter.id());
        return store(letter);
    }

    /** Shutdown deadline on a durable transport: left unacknowledged, so another instance takes it. */
    void leftPending(@Nullable IncomingEvent event, String handler) {
        counters.leftPending.increment();
        log.debug("Left event {} of handler '{}' pending for another instance", event != null ? event.id() : "(not decoded)", handler);
    }

    private DeadLetter store(DeadLetter letter) {
        counters.deadLettered.increment();
        try {
            return store.add(letter);
        } catch (RuntimeException e) {
            // the last resort: the log keeps what the store could not
            log.error("Could not store dead letter {} ({}, handler '{}', event {}): {}; its raw message, base64: {}",
                    letter.id(), letter.reason(), letter.handler(), letter.eventId(), e.getMessage(),
                    java.util.Base64.getEncoder().encodeToString(letter.rawMessage()), e);
            return letter;
        }
    }

    static String describe(@Nullable Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        return failure.getMessage() == null ? failure.getClass().getName()
                : failure.getClass().getName() + ": " + failure.getMessage();
    }

    static @Nullable String stackTrace(@Nullable Throwable failure) {
        if (failure == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() <= MAX_STACK_CHARS ? text : text.substring(0, MAX_STACK_CHARS) + "\n\t... (trimmed)";
    }
}
