package dev.herald.internal;

import dev.herald.DeadLetter;
import dev.herald.DeadLetter.Reason;
import dev.herald.spi.DeadLetterStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns failures into dead letters: builds them, stores them, counts them and logs each once,
 * after storing, with the id the store gave it (the one {@code deadLetters().get(id)} finds). A
 * dead letter the store cannot take goes to the log whole, and is counted as not stored.
 */
final class DeadLetterWriter {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final int MAX_STACK_CHARS = 4000;
    /** A shutdown under load may park thousands: the first are logged one by one, the rest summed up by the report. */
    static final int PARKED_LOGGED_AT_WARN = 20;
    /** How long past its deadline a shutdown lets its dead-letter writes retry. */
    static final Duration SHUTDOWN_WRITE_MARGIN = Duration.ofMillis(250);
    /** What each write still gets once that margin is spent, as long as the store has not failed in this shutdown. */
    static final Duration LATE_WRITE_TIMEOUT = Duration.ofMillis(100);

    private final AtomicLong parkedLogged = new AtomicLong();
    private final DeadLetterStore store;
    private final BusCounters counters;
    private final Clock clock;
    private final Supplier<String> ids;
    private final CloudEventCodec codec;
    private final int rawLimit;
    private final Function<String, List<String>> handlersOfType;
    /** Set by a shutdown: from then on, writes share its deadline (plus the margin). */
    private volatile boolean shuttingDown;
    private volatile long writeDeadlineNanos;
    private volatile boolean failedInShutdown;

    /**
     * @param handlersOfType the names of the handlers subscribed to a type on this bus, sorted
     */
    DeadLetterWriter(DeadLetterStore store, BusCounters counters, Clock clock, Supplier<String> ids,
            CloudEventCodec codec, int rawLimit, Function<String, List<String>> handlersOfType) {
        this.store = store;
        this.counters = counters;
        this.clock = clock;
        this.ids = ids;
        this.codec = codec;
        this.rawLimit = rawLimit;
        this.handlersOfType = handlersOfType;
    }

    /** From now on, each write waits at most until this deadline (plus a small margin) for the store. */
    void shutdownDeadline(long deadlineNanos) {
        writeDeadlineNanos = deadlineNanos + SHUTDOWN_WRITE_MARGIN.toNanos();
        shuttingDown = true;
    }

    /**
     * Bad input: the message never reached the handler. An oversized message is stored once for
     * all the handlers of its type (by the first of them, by name), its raw bytes capped.
     */
    void rejected(InvalidMessageException problem, byte[] raw, @Nullable IncomingEvent event, String topicType,
            String handler) {
        Instant now = clock.instant();
        if (problem.reason() == Reason.TOO_LARGE) {
            tooLarge(problem, raw, topicType, handler, now);
            return;
        }
        DeadLetter letter = new DeadLetter(ids.get(), problem.reason(), event != null ? event.type() : null,
                event != null ? event.id() : null, handler, 0, problem.getMessage(), null, null, raw, now, now);
        DeadLetter stored = store(letter);
        log.error("Rejected a message for handler '{}' ({}): {}; raw message kept ({} bytes) in {}",
                handler, letter.reason(), problem.getMessage(), raw.length, named(stored));
    }

    private void tooLarge(InvalidMessageException problem, byte[] raw, String topicType, String handler, Instant now) {
        List<String> handlers = handlersOfType.apply(topicType);
        if (handlers.contains(handler) && !handlers.get(0).equals(handler)) {
            counters.deadLettered.increment(); // this handler's delivery ends here; the message is stored once, by handlers.get(0)
            log.debug("Oversized message on '{}' for handler '{}': its dead letter is written once, by handler '{}'",
                    topicType, handler, handlers.get(0));
            return;
        }
        String named = handlers.contains(handler) ? String.join(",", handlers) : handler;
        byte[] kept = raw.length > rawLimit ? Arrays.copyOf(raw, rawLimit) : raw;
        DeadLetter letter = new DeadLetter(ids.get(), Reason.TOO_LARGE, topicType, null, named, 0, problem.getMessage(),
                null, null, kept, now, now, raw.length);
        DeadLetter stored = store(letter);
        log.error("Rejected a message for handler(s) '{}' (TOO_LARGE): {}; its first {} of {} bytes kept in {}", named,
                problem.getMessage(), kept.length, raw.length, named(stored));
    }

    /** The handler failed on its last attempt. */
    void failed(IncomingEvent event, byte[] raw, String handler, RetryingInvoker.Outcome outcome) {
        Throwable failure = outcome.failure();
        Instant now = clock.instant();
        Instant first = outcome.firstFailure() != null ? outcome.firstFailure() : now;
        Instant last = outcome.lastFailure() != null ? outcome.lastFailure() : now;
        DeadLetter letter = new DeadLetter(ids.get(), Reason.HANDLER_FAILED, event.type(), event.id(), handler,
                outcome.attempts(), describe(failure), failure != null ? failure.getClass().getName() : null,
                stackTrace(failure), raw, first, last);
        DeadLetter stored = store(letter);
        log.error("Handler '{}' failed on event {} (type '{}', correlation {}) after {} attempt(s); {}",
                handler, event.id(), event.type(), event.correlationId(), outcome.attempts(), named(stored), failure);
    }

    /**
     * Shutdown deadline: the event was received but not finished. An event not decoded yet gets
     * its type and id from the raw message when that is a readable CloudEvent.
     *
     * @return the dead letter as stored, or null if the store could not take it (it is in the log)
     */
    @Nullable DeadLetter parked(byte[] raw, @Nullable IncomingEvent event, String handler, int attempts) {
        Instant now = clock.instant();
        IncomingEvent read = event != null ? event : attributesOf(raw);
        DeadLetter letter = new DeadLetter(ids.get(), Reason.SHUTDOWN, read != null ? read.type() : null,
                read != null ? read.id() : null, handler, attempts,
                "the bus shut down before handler '" + handler + "' finished this event", null, null, raw, now, now);
        counters.parked.increment();
        DeadLetter stored = store(letter);
        long n = parkedLogged.incrementAndGet();
        if (n <= PARKED_LOGGED_AT_WARN) {
            log.warn("Parked event {} of handler '{}' as {} (SHUTDOWN){}",
                    letter.eventId() != null ? letter.eventId() : "(not a readable CloudEvent)", handler, named(stored),
                    n == PARKED_LOGGED_AT_WARN ? "; further parked events are logged at DEBUG, and counted in the shutdown report" : "");
        } else {
            log.debug("Parked event {} of handler '{}' as {} (SHUTDOWN)", letter.eventId(), handler, named(stored));
        }
        return stored;
    }

    /**
     * A handler finished, successfully, work that the shutdown deadline had parked: its SHUTDOWN
     * dead letter is void, so it is deleted, and the event counts as handled instead of parked.
     *
     * @param parked the dead letter as stored, or null if it went to the log only
     */
    void unpark(@Nullable DeadLetter parked, String handler, String eventId) {
        if (parked != null) {
            try {
                store.delete(parked.id());
            } catch (RuntimeException e) {
                log.warn("Handler '{}' finished event {} after the shutdown deadline, but its SHUTDOWN dead letter {}"
                        + " could not be deleted ({}): delete it rather than replay it", handler, eventId, parked.id(),
                        e.getMessage());
                return;
            }
        } else {
            counters.deadLettersNotStored.decrement();
        }
        counters.parked.decrement();
        counters.deadLettered.decrement();
        counters.handled.increment();
        log.warn("Handler '{}' finished event {} after the shutdown deadline had parked it: {} is void, the event counts as handled",
                handler, eventId, parked != null ? "its dead letter " + parked.id() + " is deleted and"
                        : "the SHUTDOWN dead letter logged for it");
    }

    /** A message delivered more often than the transport's limit without being finished: a poison message. */
    void overDelivered(byte[] raw, @Nullable IncomingEvent event, String handler, int deliveries) {
        Instant now = clock.instant();
        DeadLetter letter = new DeadLetter(ids.get(), Reason.HANDLER_FAILED, event != null ? event.type() : null,
                event != null ? event.id() : null, handler, deliveries - 1,
                "delivered " + deliveries + " times without being finished (the consumers handling it stopped or crashed);"
                        + " over the delivery limit, so it is not tried again", null, null, raw, now, now);
        DeadLetter stored = store(letter);
        log.error("Event {} was delivered {} times to handler '{}' without being finished: {}",
                letter.eventId(), deliveries, handler, named(stored));
    }

    /** Shutdown deadline on a durable transport: left unacknowledged, so another instance takes it. */
    void leftPending(@Nullable IncomingEvent event, String handler) {
        counters.leftPending.increment();
        log.debug("Left event {} of handler '{}' pending for another instance", event != null ? event.id() : "(not decoded)", handler);
    }

    private @Nullable IncomingEvent attributesOf(byte[] raw) {
        try {
            return codec.decode(raw);
        } catch (InvalidMessageException e) {
            return null;
        }
    }

    /** Stores and counts; null if the store failed, and then the whole dead letter is in the log. */
    private @Nullable DeadLetter store(DeadLetter letter) {
        counters.deadLettered.increment();
        try {
            if (!shuttingDown) {
                return add(letter, null);
            }
            long left = writeDeadlineNanos - System.nanoTime();
            if (failedInShutdown && left <= 0) {
                throw new IllegalStateException("the store already failed in this shutdown, whose deadline has passed");
            }
            // a store that failed gets what is left; one that works gets a moment more for each late write
            return add(letter, Duration.ofNanos(failedInShutdown ? left : Math.max(left, LATE_WRITE_TIMEOUT.toNanos())));
        } catch (RuntimeException e) {
            if (shuttingDown) {
                failedInShutdown = true;
            }
            counters.deadLettersNotStored.increment();
            // the last resort: the log keeps what the store could not
            log.error("Could not store a dead letter ({}, handler '{}', event type '{}', event {}): {}; it exists only in this log,"
                    + " not in the dead-letter queue; error: {}; its raw message ({} of {} bytes), base64: {}",
                    letter.reason(), letter.handler(), letter.eventType(), letter.eventId(), e.getMessage(), letter.error(),
                    letter.rawMessage().length, letter.rawMessageLength(),
                    Base64.getEncoder().encodeToString(letter.rawMessage()), failedInShutdown ? null : e);
            return null;
        }
    }

    /**
     * Stores with the current thread's interrupt set aside: a shutdown interrupts a worker to stop
     * its handler, not the write of the dead letter it parks (the write is bounded by its timeout).
     */
    private DeadLetter add(DeadLetter letter, @Nullable Duration timeout) {
        boolean interrupted = Thread.interrupted();
        try {
            return timeout == null ? store.add(letter) : store.add(letter, timeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String named(@Nullable DeadLetter stored) {
        return stored != null ? "dead letter " + stored.id() : "a dead letter that could not be stored (logged above)";
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
