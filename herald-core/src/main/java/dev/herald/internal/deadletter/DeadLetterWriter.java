package dev.herald.internal.deadletter;

import dev.herald.DeadLetter;
import dev.herald.DeadLetter.Reason;
import dev.herald.internal.bus.BusCounters;
import dev.herald.internal.codec.CloudEventCodec;
import dev.herald.internal.codec.IncomingEvent;
import dev.herald.internal.codec.InvalidMessageException;
import dev.herald.internal.dispatch.HandlerAccount;
import dev.herald.internal.dispatch.HandlerTask;
import dev.herald.internal.dispatch.RetryingInvoker;
import dev.herald.spi.DeadLetterStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
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
 * dead letter the store cannot take goes to the log whole, and is counted as not stored. HandlerTask is
 * marked settled as soon as its dead letter is stored and counted, before anything is logged,
 * so that a failure after that point never writes or counts it twice. How long writes may take
 * is {@link ShutdownWrites}'s concern; which handler stores an oversized message is
 * {@link OversizedMessages}'s.
 */
public final class DeadLetterWriter {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final int MAX_STACK_CHARS = 4000;
    /** A shutdown under load may park thousands: the first are logged one by one, the rest summed up by the report. */
    static final int PARKED_LOGGED_AT_WARN = 20;
    /** Parked dead letters are stored this many per call of the store (one round trip for Redis). */
    static final int PARKED_BATCH = 100;

    private final AtomicLong parkedLogged = new AtomicLong();
    private final DeadLetterStore store;
    private final BusCounters counters;
    private final Clock clock;
    private final Supplier<String> ids;
    private final CloudEventCodec codec;
    private final int rawLimit;
    private final Function<String, List<String>> handlersOfType;
    private final ShutdownWrites writes = new ShutdownWrites();
    private final OversizedMessages oversized = new OversizedMessages();

    /**
     * @param handlersOfType the names of the handlers subscribed to a type on this bus, sorted
     */
    public DeadLetterWriter(DeadLetterStore store, BusCounters counters, Clock clock, Supplier<String> ids,
            CloudEventCodec codec, int rawLimit, Function<String, List<String>> handlersOfType) {
        this.store = store;
        this.counters = counters;
        this.clock = clock;
        this.ids = ids;
        this.codec = codec;
        this.rawLimit = rawLimit;
        this.handlersOfType = handlersOfType;
    }

    /** From now on, each write shares this deadline, see {@link ShutdownWrites}. */
    public void shutdownDeadline(long deadlineNanos) {
        writes.shutdownBy(deadlineNanos);
    }

    /**
     * Bad input: the message never reached the handler. An oversized message is stored once for
     * all the handlers of its type, by the first of them that meets it, its raw bytes capped.
     */
    public void rejected(HandlerTask work, InvalidMessageException problem, byte[] raw, @Nullable IncomingEvent event,
            HandlerAccount account) {
        Instant now = clock.instant();
        String handler = account.handlerName();
        if (problem.reason() == Reason.TOO_LARGE) {
            tooLarge(work, problem, raw, account, now);
            return;
        }
        DeadLetter letter = new DeadLetter(ids.get(), problem.reason(), event != null ? event.type() : null,
                event != null ? event.id() : null, handler, 0, problem.getMessage(), null, null, raw, now, now, raw.length);
        DeadLetter stored = store(letter, work, account, problem);
        log.error("Rejected a message for handler '{}' ({}): {}; raw message kept ({} bytes) in {}",
                handler, letter.reason(), problem.getMessage(), raw.length, named(stored));
    }

    private void tooLarge(HandlerTask work, InvalidMessageException problem, byte[] raw, HandlerAccount account, Instant now) {
        String topicType = account.eventType();
        String handler = account.handlerName();
        String storedBy = oversized.claim(topicType, raw, handler);
        if (storedBy != null) {
            account.deadLettered(Reason.TOO_LARGE, problem); // this handler's delivery ends here; the message is stored once
            work.settled = true;
            log.debug("Oversized message on '{}' for handler '{}': its dead letter was written once, by handler '{}'",
                    topicType, handler, storedBy);
            return;
        }
        List<String> others = new ArrayList<>(handlersOfType.apply(topicType));
        others.remove(handler);
        String error = others.isEmpty() ? problem.getMessage() : problem.getMessage()
                + "; stored once for every handler of '" + topicType + "' on this bus (also " + String.join(", ", others) + ")";
        byte[] kept = raw.length > rawLimit ? Arrays.copyOf(raw, rawLimit) : raw;
        DeadLetter letter = new DeadLetter(ids.get(), Reason.TOO_LARGE, topicType, null, handler, 0, error,
                null, null, kept, now, now, raw.length);
        DeadLetter stored = store(letter, work, account, problem);
        log.error("Rejected a message for handler '{}' (TOO_LARGE): {}; its first {} of {} bytes kept in {}", handler,
                error, kept.length, raw.length, named(stored));
    }

    /** The handler failed on its last attempt. */
    public void failed(HandlerTask work, IncomingEvent event, byte[] raw, HandlerAccount account, RetryingInvoker.Outcome outcome) {
        String handler = account.handlerName();
        Throwable failure = outcome.failure();
        Instant now = clock.instant();
        Instant first = outcome.firstFailure() != null ? outcome.firstFailure() : now;
        Instant last = outcome.lastFailure() != null ? outcome.lastFailure() : now;
        DeadLetter letter = new DeadLetter(ids.get(), Reason.HANDLER_FAILED, event.type(), event.id(), handler,
                outcome.attempts(), describe(failure), failure != null ? failure.getClass().getName() : null,
                stackTrace(failure), raw, first, last, raw.length);
        DeadLetter stored = store(letter, work, account, failure);
        if (failure != null && failure.getStackTrace().length > LOGGED_FRAMES) {
            // a runaway recursion's thousand frames: the log gets the stack as the dead letter keeps it, trimmed
            log.error("Handler '{}' failed on event {} (type '{}', correlation {}) after {} attempt(s); {}: {}",
                    handler, event.id(), event.type(), event.correlationId(), outcome.attempts(), named(stored),
                    letter.stackTrace());
        } else {
            log.error("Handler '{}' failed on event {} (type '{}', correlation {}) after {} attempt(s); {}",
                    handler, event.id(), event.type(), event.correlationId(), outcome.attempts(), named(stored), failure);
        }
    }

    /** A failure with a deeper stack is logged trimmed, as its dead letter keeps it. */
    private static final int LOGGED_FRAMES = 200;

    /**
     * Shutdown deadline: the events were received but not finished. An event not decoded yet gets
     * its type and id from the raw message when that is a readable CloudEvent. Stored
     * {@value #PARKED_BATCH} per call of the store.
     *
     * @return for each work, in order, its dead letter as stored, or null where the store could not
     *     take it (it is in the log)
     */
    public List<@Nullable DeadLetter> parked(List<HandlerTask> works, HandlerAccount account, int attempts) {
        String handler = account.handlerName();
        Instant now = clock.instant();
        List<@Nullable DeadLetter> stored = new ArrayList<>(works.size());
        List<DeadLetter> batch = new ArrayList<>(Math.min(works.size(), PARKED_BATCH));
        for (int from = 0; from < works.size(); from += PARKED_BATCH) {
            batch.clear(); // built per batch: the raw messages of a large queue are not copied all at once
            for (HandlerTask work : works.subList(from, Math.min(from + PARKED_BATCH, works.size()))) {
                batch.add(parkedLetter(work, handler, attempts, now));
            }
            counters.parked.add(batch.size());
            List<@Nullable DeadLetter> batchStored = storeAll(batch, account);
            for (int i = 0; i < batch.size(); i++) {
                logParked(batch.get(i), handler, batchStored.get(i));
            }
            stored.addAll(batchStored);
        }
        return stored;
    }

    private DeadLetter parkedLetter(HandlerTask work, String handler, int attempts, Instant now) {
        byte[] raw = work.delivery.body();
        IncomingEvent event = work.event;
        IncomingEvent read = event != null ? event : codec.decodeOrNull(raw);
        return new DeadLetter(ids.get(), Reason.SHUTDOWN, read != null ? read.type() : null,
                read != null ? read.id() : null, handler, attempts,
                "the bus shut down before handler '" + handler + "' finished this event", null, null, raw, now, now,
                raw.length);
    }

    private void logParked(DeadLetter letter, String handler, @Nullable DeadLetter stored) {
        long n = parkedLogged.incrementAndGet();
        if (n <= PARKED_LOGGED_AT_WARN) {
            log.warn("Parked event {} of handler '{}' as {} (SHUTDOWN){}",
                    letter.eventId() != null ? letter.eventId() : "(not a readable CloudEvent)", handler,
                    named(stored), n == PARKED_LOGGED_AT_WARN
                            ? "; further parked events are logged at DEBUG, and counted in the shutdown report" : "");
        } else {
            log.debug("Parked event {} of handler '{}' as {} (SHUTDOWN)", letter.eventId(), handler, named(stored));
        }
    }

    /**
     * A handler finished, successfully, work that the shutdown deadline had parked: its SHUTDOWN
     * dead letter is void, so it is deleted, and the event counts as handled instead of parked.
     *
     * @param parked the dead letter as stored, or null if it went to the log only
     */
    public void unpark(@Nullable DeadLetter parked, HandlerAccount account, String eventId) {
        String handler = account.handlerName();
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
        account.unparked();
        log.warn("Handler '{}' finished event {} after the shutdown deadline had parked it: {} is void, the event counts as handled",
                handler, eventId, parked != null ? "its dead letter " + parked.id() + " is deleted and"
                        : "the SHUTDOWN dead letter logged for it");
    }

    /** A message delivered more often than the transport's limit without being finished: a poison message. */
    public void overDelivered(HandlerTask work, byte[] raw, @Nullable IncomingEvent event, HandlerAccount account,
            int deliveries) {
        String handler = account.handlerName();
        Instant now = clock.instant();
        DeadLetter letter = new DeadLetter(ids.get(), Reason.HANDLER_FAILED, event != null ? event.type() : null,
                event != null ? event.id() : null, handler, deliveries - 1,
                "delivered " + deliveries + " times without being finished (the consumers handling it stopped or crashed);"
                        + " over the delivery limit, so it is not tried again", null, null, raw, now, now, raw.length);
        DeadLetter stored = store(letter, work, account, null);
        log.error("Event {} was delivered {} times to handler '{}' without being finished: {}",
                letter.eventId(), deliveries, handler, named(stored));
    }

    /** Shutdown deadline on a durable transport: left unacknowledged, so another instance takes it. */
    public void leftPending(@Nullable IncomingEvent event, String handler) {
        counters.leftPending.increment();
        log.debug("Left event {} of handler '{}' pending for another instance", event != null ? event.id() : "(not decoded)", handler);
    }


    /**
     * Stores, counts (and tells the observer) and settles the work; null if the store failed, and
     * then the whole dead letter is in the log.
     *
     * @param error the handler's or the decoder's, for the observer
     */
    private @Nullable DeadLetter store(DeadLetter letter, HandlerTask work, HandlerAccount account, @Nullable Throwable error) {
        DeadLetter stored = null;
        RuntimeException failure = null;
        try {
            Duration timeout = writes.next();
            stored = interruptSetAside(() -> timeout == null ? store.add(letter) : store.add(letter, timeout));
        } catch (RuntimeException e) {
            writes.failed();
            failure = e;
        }
        account.deadLettered(letter.reason(), error);
        if (stored == null) {
            counters.deadLettersNotStored.increment();
        }
        work.settled = true;
        if (failure != null) {
            logNotStored(letter, failure.getMessage(), failure);
        }
        return stored;
    }

    /** Stores and counts one handler's dead letters in one call of the store; their raw messages are logged where it failed. */
    private List<@Nullable DeadLetter> storeAll(List<DeadLetter> letters, HandlerAccount account) {
        List<@Nullable DeadLetter> stored;
        String why = "the store did not take it in time";
        RuntimeException failure = null;
        try {
            Duration timeout = writes.next();
            stored = interruptSetAside(() -> timeout == null
                    ? DeadLetterStore.storeEach(letters, store::add) : store.addAll(letters, timeout));
        } catch (RuntimeException e) {
            writes.failed();
            failure = e;
            why = String.valueOf(e.getMessage());
            stored = Collections.nCopies(letters.size(), null);
        }
        for (int i = 0; i < letters.size(); i++) {
            account.deadLettered(letters.get(i).reason(), null);
            if (stored.get(i) == null) {
                if (failure == null) {
                    writes.failed();
                }
                counters.deadLettersNotStored.increment();
                logNotStored(letters.get(i), why, failure);
            }
        }
        return stored;
    }

    /**
     * Calls the store with the current thread's interrupt set aside, and restored after: a shutdown
     * interrupts a worker to stop its handler, not the write of the dead letters it parks (the
     * write is bounded by its timeout).
     */
    private static <T> T interruptSetAside(Supplier<T> write) {
        boolean interrupted = Thread.interrupted();
        try {
            return write.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The last resort: the log keeps what the store could not. */
    private void logNotStored(DeadLetter letter, @Nullable String why, @Nullable RuntimeException failure) {
        log.error("Could not store a dead letter ({}, handler '{}', event type '{}', event {}): {}; it exists only in this log,"
                + " not in the dead-letter queue; error: {}; its raw message ({} of {} bytes), base64: {}",
                letter.reason(), letter.handler(), letter.eventType(), letter.eventId(), why, letter.error(),
                letter.rawMessage().length, letter.rawMessageLength(),
                Base64.getEncoder().encodeToString(letter.rawMessage()), writes.failedInShutdown() ? null : failure);
    }

    private static String named(@Nullable DeadLetter stored) {
        return stored != null ? "dead letter " + stored.id() : "a dead letter that could not be stored (logged above)";
    }

    public static String describe(@Nullable Throwable failure) {
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
