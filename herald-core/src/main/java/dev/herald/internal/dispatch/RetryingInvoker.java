package dev.herald.internal.dispatch;

import dev.herald.Envelope;
import dev.herald.EventHandler;
import dev.herald.RetryPolicy;
import dev.herald.Sleeper;
import dev.herald.internal.bus.BusCounters;
import dev.herald.internal.codec.IncomingEvent;
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

    /** How a handler call ended. */
    public record Outcome(boolean success, boolean interrupted, int attempts, @Nullable Throwable failure,
            @Nullable Instant firstFailure, @Nullable Instant lastFailure) {
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final BusCounters counters;

    public RetryingInvoker(Clock clock, Sleeper sleeper, DoubleSupplier random, BusCounters counters) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.counters = counters;
    }

    <E> Outcome invoke(IncomingEvent event, Envelope<E> envelope, String handlerName, EventHandler<E> handler,
            RetryPolicy policy) {
        Instant firstFailure = null;
        for (int attempt = 1; ; attempt++) {
            Throwable failure;
            HandlingContext.enter(event, handlerName);
            try {
                handler.handle(envelope);
                return new Outcome(true, false, attempt, null, firstFailure, firstFailure == null ? null : clock.instant());
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
                return new Outcome(false, true, attempt, failure, firstFailure, now);
            }
            if (attempt >= policy.maxAttempts() || !policy.isRetryable(failure) || endsAttempts(failure)) {
                return new Outcome(false, false, attempt, failure, firstFailure, now);
            }
            Duration delay = policy.delay(attempt, random);
            log.warn("Handler '{}' failed on event {} (type '{}', correlation {}), attempt {} of {}; retrying in {} ms: {}",
                    handlerName, event.id(), event.type(), event.correlationId(), attempt, policy.maxAttempts(),
                    delay.toMillis(), failure.toString());
            counters.retried.increment();
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(false, true, attempt, failure, firstFailure, now);
            }
        }
    }

    /** A failure after which the JVM may not run the handler again: not retried. */
    static boolean endsAttempts(Throwable failure) {
        return failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError);
    }
}
