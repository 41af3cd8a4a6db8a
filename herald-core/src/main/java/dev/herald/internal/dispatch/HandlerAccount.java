package dev.herald.internal.dispatch;

import dev.herald.DeadLetter.Reason;
import dev.herald.Envelope;
import dev.herald.HandlerStats;
import dev.herald.internal.bus.BusCounters;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.DeadLettered;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Received;
import dev.herald.spi.BusObserver.Retry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What became of one handler's events: counted for its {@link HandlerStats} and, at once, for
 * the bus's {@link dev.herald.BusStats}, and told to the bus's {@link BusObserver}. The only place
 * where a handler's received, handled, retried and dead-lettered events are recorded, so that the
 * three always agree. The handler's counter is counted before the bus's, so that whoever sees a
 * count of the bus sees the handler's too. With no observer set, nothing is built for it.
 * Thread-safe.
 */
public final class HandlerAccount {

    private final String eventType;
    private final String handlerName;
    private final String system;
    private final BusCounters bus;
    private final BusObserver observer;
    private final boolean observing;
    private final LongAdder received = new LongAdder();
    private final LongAdder handled = new LongAdder();
    private final LongAdder retried = new LongAdder();
    /** Dead letters written, by reason; never taken back (a voided one is counted in {@link #voided}). */
    private final LongAdder[] deadLetters = new LongAdder[Reason.values().length];
    private final LongAdder voided = new LongAdder();
    /** The queue of the handler's current subscription. */
    private volatile IntSupplier queued = () -> 0;

    /**
     * @param system the transport's messaging system, told to the observer
     * @param observer the bus's observer, guarded
     */
    public HandlerAccount(String eventType, String handlerName, String system, BusCounters bus, BusObserver observer) {
        this.eventType = eventType;
        this.handlerName = handlerName;
        this.system = system;
        this.bus = bus;
        this.observer = observer;
        this.observing = observer != BusObserver.noop();
        for (int i = 0; i < deadLetters.length; i++) {
            deadLetters[i] = new LongAdder();
        }
    }

    public String eventType() {
        return eventType;
    }

    public String handlerName() {
        return handlerName;
    }

    /** From now on the queue of these workers is the handler's (it was subscribed, perhaps again). */
    public void queuedIn(HandlerWorkers workers) {
        queued = workers::queued;
    }

    /** A message was handed to the handler's queue. */
    void received(int sizeBytes) {
        received.increment();
        bus.received.increment();
        if (observing) {
            observer.received(new Received(system, eventType, handlerName, sizeBytes));
        }
    }

    /** An attempt begins, on the handler's thread. */
    HandlerObservation handlerStarted(int attempt, Envelope<?> event) {
        return observing ? observer.handlerStarted(new HandlerRun(system, handlerName, attempt, event)) : HandlerObservation.NONE;
    }

    /** An attempt failed and another follows after the delay. */
    void retryScheduled(int attempt, Duration delay, Throwable error) {
        retried.increment();
        bus.retried.increment();
        if (observing) {
            observer.retryScheduled(new Retry(eventType, handlerName, attempt, delay, error));
        }
    }

    /** The handler completed an event. */
    void handled() {
        handled.increment();
        bus.handled.increment();
    }

    /**
     * An event became a dead letter of this handler (one call per event, whatever the number of
     * its copies stored). The observer is told the handler's type, whatever the message's own
     * (another type, or none that could be read): a bounded value for its tags.
     *
     * @param error the handler's or the decoder's error, if any
     */
    public void deadLettered(Reason reason, @Nullable Throwable error) {
        deadLetters[reason.ordinal()].increment();
        bus.deadLettered.increment();
        if (observing) {
            observer.deadLettered(new DeadLettered(eventType, handlerName, reason, error));
        }
    }

    /**
     * The handler completed, late, an event that a shutdown had parked, and its dead letter is
     * gone: it counts as handled and as voided, no longer in the bus's net count of dead letters
     * (its own by reason, which only rise, keep it), and the observer, told of the dead letter
     * then, is told it is void.
     */
    public void unparked() {
        voided.increment();
        bus.deadLettersVoided.increment();
        bus.deadLettered.decrement();
        handled();
        if (observing) {
            observer.deadLetterVoided(new DeadLettered(eventType, handlerName, Reason.SHUTDOWN, null));
        }
    }

    public HandlerStats snapshot() {
        Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        for (Reason reason : Reason.values()) {
            byReason.put(reason, deadLetters[reason.ordinal()].sum());
        }
        return new HandlerStats(eventType, handlerName, received.sum(), handled.sum(), retried.sum(), byReason,
                voided.sum(), queued.getAsInt());
    }

    @Override
    public String toString() {
        return "HandlerAccount[" + eventType + " -> " + handlerName + "]";
    }
}
