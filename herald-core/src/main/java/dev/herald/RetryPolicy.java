package dev.herald;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * How often and how fast a failed handler is tried again before its event becomes a
 * {@link DeadLetter}: exponential backoff with a cap, randomized delays, and exceptions that are
 * never worth retrying.
 *
 * <pre>{@code
 * // 5 calls in all: the first, then retries after ~100 ms, ~200 ms, ~400 ms, ~800 ms
 * RetryPolicy policy = RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 5)
 *         .nonRetryable(IllegalArgumentException.class);
 * }</pre>
 *
 * <p>{@code maxAttempts} counts every call of the handler, the first included, so
 * {@code maxAttempts = 1} means no retry. The delay before retry {@code n} (1-based) is
 * {@code min(maxDelay, initialDelay * multiplier^(n-1))}, then randomized uniformly within
 * {@code ±jitter} of that value (default 0.25, i.e. ±25%; {@link #withoutJitter()} turns it off).
 *
 * <p>Immutable and thread-safe. A bus has a default policy (see
 * {@link EventBusBuilder#retry(RetryPolicy)}), and a subscription may override it with
 * {@link SubscriptionOptions#withRetry(RetryPolicy)}. Retries of one event keep the handler's
 * later events waiting, which is what keeps per-handler order.
 *
 * @param initialDelay delay before the first retry; zero or positive
 * @param multiplier factor between consecutive delays; at least 1.0
 * @param maxDelay cap on any delay before jitter; at least {@code initialDelay}
 * @param maxAttempts handler calls in all, the first included; at least 1
 * @param jitter relative randomization of each delay, from 0.0 (none) to below 1.0
 * @param nonRetryable exception types (and their subclasses) that go straight to the dead-letter queue
 */
public record RetryPolicy(
        Duration initialDelay,
        double multiplier,
        Duration maxDelay,
        int maxAttempts,
        double jitter,
        Set<Class<? extends Throwable>> nonRetryable) {

    /** The jitter of policies made by {@link #exponential}: ±25%. */
    public static final double DEFAULT_JITTER = 0.25;

    private static final RetryPolicy DEFAULTS =
            exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 3);

    /** Validates every value and copies the set. */
    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(nonRetryable, "nonRetryable");
        if (initialDelay.isNegative()) {
            throw new IllegalArgumentException("initialDelay must be zero or positive but was " + initialDelay);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1.0 but was " + multiplier);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be >= initialDelay (" + initialDelay + ") but was " + maxDelay);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts counts every call, the first included, so it must be >= 1 but was " + maxAttempts);
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter must be >= 0.0 and < 1.0 (0.25 means ±25%) but was " + jitter);
        }
        nonRetryable.forEach(c -> Objects.requireNonNull(c, "nonRetryable element"));
        nonRetryable = Set.copyOf(nonRetryable);
    }

    /**
     * Exponential backoff with ±25% jitter.
     *
     * @param initialDelay delay before the first retry
     * @param multiplier factor between consecutive delays, at least 1.0
     * @param maxDelay cap on any delay
     * @param maxAttempts handler calls in all, the first included
     * @return the policy
     * @throws IllegalArgumentException naming the bad value
     */
    public static RetryPolicy exponential(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts) {
        return new RetryPolicy(initialDelay, multiplier, maxDelay, maxAttempts, DEFAULT_JITTER, Set.of());
    }

    /**
     * One call, no retry: a failure goes straight to the dead-letter queue.
     *
     * @return the policy
     */
    public static RetryPolicy none() {
        return new RetryPolicy(Duration.ZERO, 1.0, Duration.ZERO, 1, 0.0, Set.of());
    }

    /**
     * The bus default: 3 calls, retries after ~100 ms and ~200 ms (±25%), delays capped at 10 s.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * This policy with another jitter.
     *
     * @param jitter from 0.0 (none) to below 1.0
     * @return new policy
     */
    public RetryPolicy withJitter(double jitter) {
        return new RetryPolicy(initialDelay, multiplier, maxDelay, maxAttempts, jitter, nonRetryable);
    }

    /**
     * This policy with exact, non-randomized delays.
     *
     * @return new policy
     */
    public RetryPolicy withoutJitter() {
        return withJitter(0.0);
    }

    /**
     * This policy with another number of attempts.
     *
     * @param maxAttempts handler calls in all, the first included; at least 1
     * @return new policy
     */
    public RetryPolicy withMaxAttempts(int maxAttempts) {
        return new RetryPolicy(initialDelay, multiplier, maxDelay, maxAttempts, jitter, nonRetryable);
    }

    /**
     * This policy with more exception types that are never retried.
     *
     * @param types exception types; their subclasses match too
     * @return new policy
     */
    @SafeVarargs
    public final RetryPolicy nonRetryable(Class<? extends Throwable>... types) {
        Set<Class<? extends Throwable>> all = new HashSet<>(nonRetryable);
        all.addAll(List.of(types));
        return new RetryPolicy(initialDelay, multiplier, maxDelay, maxAttempts, jitter, all);
    }

    /**
     * Whether a failure may be retried at all, whatever the attempt count.
     *
     * @param failure what the handler threw
     * @return false if it is an instance of a {@linkplain #nonRetryable() non-retryable} type
     */
    public boolean isRetryable(Throwable failure) {
        for (Class<? extends Throwable> type : nonRetryable) {
            if (type.isInstance(failure)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The delay before retry {@code retry}, without jitter.
     *
     * @param retry 1 for the first retry (the second call)
     * @return {@code min(maxDelay, initialDelay * multiplier^(retry-1))}
     */
    public Duration nominalDelay(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based but was " + retry);
        }
        double nanos = initialDelay.toNanos() * Math.pow(multiplier, retry - 1);
        double cap = maxDelay.toNanos();
        return Duration.ofNanos((long) Math.min(nanos, cap));
    }

    /**
     * The delay before retry {@code retry}, with jitter.
     *
     * @param retry 1 for the first retry (the second call)
     * @param random a source of uniform numbers in {@code [0, 1)}
     * @return the nominal delay randomized within ±{@code jitter}
     */
    public Duration delay(int retry, DoubleSupplier random) {
        Duration nominal = nominalDelay(retry);
        if (jitter == 0.0) {
            return nominal;
        }
        double factor = 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
        return Duration.ofNanos((long) (nominal.toNanos() * factor));
    }
}
