package dev.herald.internal.dispatch;

import dev.herald.Envelope;
import dev.herald.EventHandler;
import dev.herald.RetryPolicy;
import dev.herald.Sleeper;
import dev.herald.internal.codec.IncomingEvent;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a handler, and again after a backoff while its {@link RetryPolicy} allows. One concern:
 * attempts and delays; what happens after the last failure is the caller's.
 *
 * <p>Whatever the handler throws is a failed attempt, an {@link Error} included: a
 * {@link StackOverflowError} is retried like an exception; any other {@link VirtualMachineError}
 * ({@link OutOfMemoryError}, {@link InternalError}) ends the attempts at once, since the JVM may
 * not be able to run the handler again, and the caller dead-letters the event with it.
 */
public final class RetryingInvoker {

    private static final Logger log = LoggerFactory.getLogger(RetryingInvoker.class);

    /**
     * How a handler call ended.
     *
     * @param run the observation of the last attempt, not yet ended: the caller ends it once it
     *     knows what became of the event (handled, dead-lettered, parked...)
     */
    public record Outcome(boolean success, boolean interrupted, int attempts, @Nullable Throwable failure,
            @Nullable Instant firstFailure, @Nullable Instant lastFailure, HandlerObservation run) {
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    public RetryingInvoker(Clock clock, Sleeper sleeper, DoubleSupplier random) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
    }

    /**
     * Calls the handler until it succeeds or may not be called again. Each attempt is observed,
     * its scope current exactly around the handler's call; an attempt followed by another is
     * ended here, as {@link HandlerOutcome#RETRIED}, the last one by the caller.
     */
    <E> Outcome invoke(IncomingEvent event, Envelope<E> envelope, HandlerAccount account, EventHandler<E> handler,
            RetryPolicy policy) {
        String handlerName = account.handlerName();
        Instant firstFailure = null;
        for (int attempt = 1; ; attempt++) {
            Throwable failure;
            HandlerObservation run = account.handlerStarted(attempt, envelope);
            HandlingContext.enter(event, handlerName);
            try {
                Scope scope = run.makeCurrent();
                try {
                    handler.handle(envelope);
                } finally {
                    scope.close();
                }
                return new Outcome(true, false, attempt, null, firstFailure, firstFailure == null ? null : clock.instant(), run);
            } catch (Throwable t) {
                failure = t;
            } finally {
                HandlingContext.exit();
            }
            Instant now = clock.instant();
            if (firstFailure == null) {
                firstFailure = now;
            }
            if (failure instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                return new Outcome(false, true, attempt, failure, firstFailure, now, run);
            }
            if (attempt >= policy.maxAttempts() || !policy.isRetryable(failure) || endsAttempts(failure)) {
                return new Outcome(false, false, attempt, failure, firstFailure, now, run);
            }
            Duration delay = policy.delay(attempt, random);
            log.warn("Handler '{}' failed on event {} (type '{}', correlation {}), attempt {} of {}; retrying in {} ms: {}",
                    handlerName, event.id(), event.type(), event.correlationId(), attempt, policy.maxAttempts(),
                    delay.toMillis(), failure.toString());
            run.end(HandlerOutcome.RETRIED, failure);
            account.retryScheduled(attempt, delay, failure);
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(false, true, attempt, failure, firstFailure, now, HandlerObservation.NONE);
            }
        }
    }

    /** A failure after which the JVM may not run the handler again: not retried. */
    static boolean endsAttempts(Throwable failure) {
        return failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError);
    }
}
