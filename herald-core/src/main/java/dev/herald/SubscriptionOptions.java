package dev.herald;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Per-subscription settings: handler name, concurrency, ordering, retry and queue size.
 *
 * <pre>{@code
 * bus.subscribe(OrderPlaced.class,
 *         SubscriptionOptions.named("ship-order").withConcurrency(4).orderedBySubject(),
 *         e -> shipping.ship(e.payload()));
 * }</pre>
 *
 * <p>By default a handler runs on one worker thread, so it sees its events one at a time in
 * the order received. With {@code concurrency > 1} events run in parallel and order is lost,
 * unless {@link #orderedBySubject()} is set: then events with the same
 * {@linkplain Envelope#subject() subject} (aggregate id) stay in order, and different subjects run
 * in parallel. Immutable and thread-safe.
 *
 * @param name the handler name, or {@code null} to derive a stable one (see
 *     {@link Subscription#handlerName()})
 * @param concurrency worker threads for this handler, at least 1 (default 1)
 * @param subjectOrdered whether events of one subject keep their order when {@code concurrency > 1}
 * @param retry the retry policy, or {@code null} for the bus default
 * @param queueCapacity events received but not yet handled that this handler may hold, at least 1
 *     (default 1024); when full, intake waits (backpressure) and nothing is dropped
 */
public record SubscriptionOptions(
        @Nullable String name,
        int concurrency,
        boolean subjectOrdered,
        @Nullable RetryPolicy retry,
        int queueCapacity) {

    /** The default queue capacity of a subscription. */
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private static final SubscriptionOptions DEFAULTS =
            new SubscriptionOptions(null, 1, false, null, DEFAULT_QUEUE_CAPACITY);

    /** Validates every value. */
    public SubscriptionOptions {
        if (name != null) {
            checkName(name);
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw new IllegalArgumentException("concurrency must be between 1 and 1024 but was " + concurrency);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be >= 1 but was " + queueCapacity);
        }
    }

    /**
     * The defaults: derived name, one worker, bus retry policy, a queue of 1024.
     *
     * @return the default options
     */
    public static SubscriptionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Default options with a handler name.
     *
     * @param name the handler name: 1 to 200 characters without white space
     * @return new options
     */
    public static SubscriptionOptions named(String name) {
        return DEFAULTS.withName(name);
    }

    /**
     * These options with a handler name.
     *
     * @param name the handler name: 1 to 200 characters without white space
     * @return new options
     */
    public SubscriptionOptions withName(String name) {
        return new SubscriptionOptions(Objects.requireNonNull(name, "name"), concurrency, subjectOrdered, retry, queueCapacity);
    }

    /**
     * These options with another number of worker threads.
     *
     * @param concurrency from 1 to 1024
     * @return new options
     */
    public SubscriptionOptions withConcurrency(int concurrency) {
        return new SubscriptionOptions(name, concurrency, subjectOrdered, retry, queueCapacity);
    }

    /**
     * These options, keeping per-subject order when running concurrently.
     *
     * @return new options
     */
    public SubscriptionOptions orderedBySubject() {
        return new SubscriptionOptions(name, concurrency, true, retry, queueCapacity);
    }

    /**
     * These options with a retry policy of their own.
     *
     * @param retry the policy
     * @return new options
     */
    public SubscriptionOptions withRetry(RetryPolicy retry) {
        return new SubscriptionOptions(name, concurrency, subjectOrdered, Objects.requireNonNull(retry, "retry"), queueCapacity);
    }

    /**
     * These options with another queue capacity.
     *
     * @param queueCapacity at least 1
     * @return new options
     */
    public SubscriptionOptions withQueueCapacity(int queueCapacity) {
        return new SubscriptionOptions(name, concurrency, subjectOrdered, retry, queueCapacity);
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new IllegalArgumentException("handler name '" + name
                    + "' is invalid: use 1 to 200 characters without white space, such as 'send-confirmation'");
        }
    }
}
