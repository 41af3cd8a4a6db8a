package dev.herald.internal.dispatch;

import dev.herald.DeadLetter;
import dev.herald.DeadLetter.Reason;
import dev.herald.EventHandler;
import dev.herald.RetryPolicy;
import dev.herald.internal.codec.CloudEventCodec;
import dev.herald.internal.codec.EventTypeRegistry;
import dev.herald.internal.codec.IncomingEvent;
import dev.herald.internal.codec.InvalidMessageException;
import dev.herald.internal.deadletter.DeadLetterWriter;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one message for one handler: decode, check the type, call the handler with
 * retries, then count it handled or write a dead letter, and acknowledge. The order of these
 * steps is written here and nowhere else.
 */
public final class HandlerPipeline<E> {

    private static final Logger log = LoggerFactory.getLogger(HandlerPipeline.class);

    private final String eventType;
    private final String handlerName;
    private final @Nullable Class<E> payloadClass;
    private final EventTypeRegistry registry;
    private final EventHandler<E> handler;
    private final RetryPolicy policy;
    private final CloudEventCodec codec;
    private final RetryingInvoker invoker;
    private final DeadLetterWriter deadLetters;
    private final HandlerAccount account;

    public HandlerPipeline(HandlerAccount account, @Nullable Class<E> payloadClass, EventTypeRegistry registry,
            EventHandler<E> handler, RetryPolicy policy, CloudEventCodec codec, RetryingInvoker invoker,
            DeadLetterWriter deadLetters) {
        this.account = account;
        this.eventType = account.eventType();
        this.handlerName = account.handlerName();
        this.payloadClass = payloadClass;
        this.registry = registry;
        this.handler = handler;
        this.policy = policy;
        this.codec = codec;
        this.invoker = invoker;
        this.deadLetters = deadLetters;
    }

    String handlerName() {
        return handlerName;
    }

    HandlerAccount account() {
        return account;
    }

    /** Decodes the attributes early (for routing by subject); null if the message is bad. */
    @Nullable IncomingEvent peek(HandlerTask work) {
        try {
            IncomingEvent event = decode(work.delivery.body());
            work.event = event;
            return event;
        } catch (InvalidMessageException e) {
            return null;
        }
    }

    void process(HandlerTask work) {
        byte[] raw = work.delivery.body();
        IncomingEvent event = work.event;
        if (work.delivery.overDeliveryLimit() && work.replay == null) {
            if (work.finish()) {
                deadLetters.overDelivered(work, raw, event != null ? event : codec.decodeOrNull(raw), account,
                        work.delivery.deliveryCount());
                work.delivery.ack();
            }
            return;
        }
        if (!work.delivery.handlerStarting()) {
            if (work.finish()) { // another consumer took it over: that one handles and acknowledges it
                deadLetters.leftPending(work.event, handlerName);
                work.settled = true;
            }
            return;
        }
        E payload;
        try {
            if (event == null) {
                event = decode(raw);
                work.event = event;
            }
            if (!event.type().equals(eventType)) {
                throw new InvalidMessageException(Reason.UNKNOWN_TYPE, "event " + event.id() + " has type '" + event.type()
                        + "', which handler '" + handlerName + "' does not handle: it arrived on the topic of '" + eventType + "'");
            }
            payload = decodePayload(event);
        } catch (InvalidMessageException problem) {
            if (!work.finish()) {
                return;
            }
            if (work.replay != null) {
                work.replay.completeExceptionally(problem);
                work.settled = true;
            } else {
                deadLetters.rejected(work, problem, raw, event, account);
            }
            work.delivery.ack();
            return;
        }
        RetryingInvoker.Outcome outcome = invoker.invoke(event, event.toEnvelope(payload), account, handler, policy);
        // the last attempt's observation ends once the event's fate is known: a failure of Herald's
        // own code meanwhile ends it as an error, and the event is dead-lettered by failedOutsideHandler
        HandlerOutcome observed = outcome.success() ? HandlerOutcome.SUCCESS : HandlerOutcome.ERROR;
        try {
            if (!work.finish()) {
                if (leftPending(work)) {
                    log.warn("Handler '{}' returned from event {} after the shutdown deadline had left it pending for another"
                            + " instance, which may handle it again", handlerName, event.id());
                    return;
                }
                log.warn("Handler '{}' returned from event {} after the shutdown deadline had parked it", handlerName, event.id());
                if (outcome.success() && work.replay == null && work.succeededLate()) {
                    deadLetters.unpark(work.parkedLetter(), account, event.id());
                }
                return;
            }
            if (outcome.success()) {
                account.handled();
                work.settled = true;
                if (work.replay != null) {
                    work.replay.complete(null);
                }
            } else if (outcome.interrupted()) {
                // only a shutdown deadline interrupts workers: the event was not finished, so it is parked
                park(List.of(work), outcome.attempts());
                return;
            } else if (work.replay != null) {
                work.settled = true;
                work.replay.completeExceptionally(outcome.failure() != null ? outcome.failure()
                        : new IllegalStateException("handler '" + handlerName + "' failed"));
            } else {
                deadLetters.failed(work, event, raw, account, outcome);
                observed = HandlerOutcome.DEAD_LETTERED;
            }
            work.delivery.ack();
        } finally {
            outcome.run().end(observed, outcome.failure());
        }
    }

    /**
     * The last resort for a failure of Herald's own code while it processed work (decoding,
     * counting or dead-lettering ran out of memory, say): work not yet accounted for becomes a
     * dead letter with that failure, tried again while memory is short, so that the event is
     * counted, never silently gone.
     */
    void failedOutsideHandler(HandlerTask work, Throwable failure) {
        if (work.settled || !(work.finish() || work.finished())) {
            log.error("Worker of handler '{}' failed after its event was accounted for; it goes on", handlerName, failure);
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                IncomingEvent event = work.event;
                RetryingInvoker.Outcome outcome = new RetryingInvoker.Outcome(false, false, 0, failure, null, null,
                        HandlerObservation.NONE);
                if (work.replay != null) {
                    work.settled = true;
                    work.replay.completeExceptionally(failure);
                } else if (event != null) {
                    deadLetters.failed(work, event, work.delivery.body(), account, outcome);
                } else {
                    deadLetters.rejected(work, new InvalidMessageException(Reason.UNDECODABLE,
                            "Herald failed while decoding it: " + DeadLetterWriter.describe(failure)),
                            work.delivery.body(), codec.decodeOrNull(work.delivery.body()), account);
                }
                work.delivery.ack();
                return;
            } catch (RuntimeException | Error again) {
                if (work.settled || attempt == OUT_OF_MEMORY_TRIES) {
                    log.error("Worker of handler '{}' could not dead-letter event {} after failing on it", handlerName,
                            work.event != null ? work.event.id() : "(not decoded)", again);
                    return;
                }
                pauseForMemory();
            }
        }
    }

    private static final int OUT_OF_MEMORY_TRIES = 5;

    private static void pauseForMemory() {
        try {
            Thread.sleep(100L); // lets the collector free what the failed attempt held
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the shutdown deadline leaves this work pending in the transport for another instance
     * (Streams) rather than parking it as a SHUTDOWN dead letter.
     */
    private static boolean leftPending(HandlerTask work) {
        return work.delivery.redeliverable() && work.replay == null;
    }

    /** Parks work the shutdown deadline caught: a SHUTDOWN dead letter, never a silent drop. */
    void park(HandlerTask work) {
        park(List.of(work), 0);
    }

    /** Parks several, their dead letters stored in batches. */
    void park(List<HandlerTask> works) {
        park(works, 0);
    }

    private void park(List<HandlerTask> works, int attempts) {
        List<HandlerTask> toStore = new ArrayList<>(works.size());
        for (HandlerTask work : works) {
            if (leftPending(work)) {
                deadLetters.leftPending(work.event, handlerName); // not acknowledged: another instance takes it
                work.delivery.release(); // or this one, once the transport redelivers it
            } else if (work.replay != null) {
                work.replay.completeExceptionally(new IllegalStateException(
                        "the bus shut down before the replay finished; the dead letter is kept"));
                work.delivery.ack();
            } else {
                toStore.add(work);
            }
        }
        if (toStore.isEmpty()) {
            return;
        }
        List<@Nullable DeadLetter> letters = deadLetters.parked(toStore, account, attempts);
        for (int i = 0; i < toStore.size(); i++) {
            HandlerTask work = toStore.get(i);
            @Nullable DeadLetter letter = letters.get(i);
            if (work.parkedAs(letter) && work.event != null) {
                deadLetters.unpark(letter, account, work.event.id()); // the handler succeeded while it was being parked
            }
            work.delivery.ack();
        }
    }

    /** Decodes a message, binding its data to this handler's class in the same pass where it can. */
    private IncomingEvent decode(byte[] raw) throws InvalidMessageException {
        return codec.decode(raw, eventType, payloadClass != null ? payloadClass : registry.classFor(eventType));
    }


    @SuppressWarnings("unchecked")
    private E decodePayload(IncomingEvent event) throws InvalidMessageException {
        if (payloadClass != null) {
            return codec.payload(event, payloadClass);
        }
        Class<?> known = registry.classFor(eventType);
        return (E) (known != null ? codec.payload(event, known) : codec.genericPayload(event));
    }
}
