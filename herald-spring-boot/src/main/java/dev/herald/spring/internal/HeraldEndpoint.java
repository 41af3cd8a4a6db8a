package dev.herald.spring.internal;

import dev.herald.ConsumerGroupHealth;
import dev.herald.DeadLetter;
import dev.herald.DeadLetterQueue;
import dev.herald.EventBus;
import dev.herald.HandlerStats;
import dev.herald.RetryPolicy;
import dev.herald.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The Actuator endpoint {@code herald}, the same on Spring Boot 4 and 3.5: the bus's health,
 * subscriptions and dead letters; replay and delete of dead letters when the endpoint's access
 * is {@code unrestricted} ({@code management.endpoint.herald.access}; read-only by default, so
 * that Spring Boot maps no write operation at all).
 *
 * <pre>
 * GET    /actuator/herald                          status, health details, subscriptions
 * GET    /actuator/herald/health                   status and health details
 * GET    /actuator/herald/subscriptions            each handler: type, options, Streams group, counts
 * GET    /actuator/herald/dead-letters?limit=20    the count and the oldest dead letters (1 to 10000)
 * GET    /actuator/herald/dead-letters/{id}        one, with its raw message and stack trace
 * POST   /actuator/herald/dead-letters/{id}        replays it (unrestricted access only)
 * DELETE /actuator/herald/dead-letters/{id}        deletes it (unrestricted access only)
 * DELETE /actuator/herald/dead-letters             deletes them all (unrestricted access only)
 * </pre>
 *
 * <p>It shows what the bus and its {@link DeadLetter}s hold, nothing of the connection (no Redis
 * URI, no password). Thread-safe.
 */
@Endpoint(id = "herald", defaultAccess = Access.READ_ONLY)
public final class HeraldEndpoint {

    /** The path segment of the subscriptions. */
    public static final String SUBSCRIPTIONS = "subscriptions";
    /** The path segment of the dead letters. */
    public static final String DEAD_LETTERS = "dead-letters";
    /** The path segment of the health. */
    public static final String HEALTH = "health";

    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 10_000;

    private final EventBus bus;
    private final HealthDetails health;
    private final Supplier<Map<String, BusLifecycle.Subscribed>> listeners;
    private final @Nullable RetryPolicy busRetry;
    private final Duration replayWait;

    /**
     * @param bus the bus
     * @param health its health details, as the health indicator shows them
     * @param listeners the {@code @HeraldListener} methods subscribed, by handler name, for their
     *     options (the bus itself does not tell a handler's options)
     * @param busRetry the bus's retry policy, shown for a listener method without one of its own;
     *     {@code null} when not known (a bus the application built)
     * @param replayWait how long a replay waits for the handler before answering that it is still running
     */
    public HeraldEndpoint(EventBus bus, HealthDetails health, Supplier<Map<String, BusLifecycle.Subscribed>> listeners,
            @Nullable RetryPolicy busRetry, Duration replayWait) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.health = Objects.requireNonNull(health, "health");
        this.listeners = Objects.requireNonNull(listeners, "listeners");
        this.busRetry = busRetry;
        this.replayWait = Objects.requireNonNull(replayWait, "replayWait");
        if (replayWait.isNegative()) {
            throw new IllegalArgumentException("replayWait cannot be negative but was " + replayWait);
        }
    }

    /**
     * The bus's health and subscriptions.
     *
     * @return them
     */
    @ReadOperation
    public Summary summary() {
        HealthView h = health();
        return new Summary(h.status(), h.details(), subscriptions());
    }

    /**
     * One section: {@value #HEALTH}, {@value #SUBSCRIPTIONS} or {@value #DEAD_LETTERS}.
     *
     * @param section the section
     * @param limit how many dead letters to list, from 1 to 10000; default 20. Spring's
     *     {@code @Nullable} (deprecated in Spring 7, where any {@code @Nullable} would do) is
     *     the one that makes it optional on Spring Boot 3.5 too.
     * @return the section, or {@code null} (404) for another name
     */
    @ReadOperation
    @SuppressWarnings("deprecation")
    public @Nullable Object section(@Selector String section, @org.springframework.lang.Nullable Integer limit) {
        return switch (section) {
            case HEALTH -> health();
            case SUBSCRIPTIONS -> subscriptions();
            case DEAD_LETTERS -> deadLetters(limit == null ? DEFAULT_LIMIT : limit);
            default -> null;
        };
    }

    /**
     * One dead letter, whole.
     *
     * @param section {@value #DEAD_LETTERS}
     * @param id the dead letter's id
     * @return it, or {@code null} (404) if there is none
     */
    @ReadOperation
    public @Nullable DeadLetterView deadLetter(@Selector String section, @Selector String id) {
        if (!DEAD_LETTERS.equals(section)) {
            return null;
        }
        Optional<DeadLetter> d = bus.deadLetters().get(id);
        return d.map(letter -> DeadLetterView.of(letter, true)).orElse(null);
    }

    /**
     * Replays a dead letter: hands its raw message to its handler again, waiting for it a while.
     *
     * @param section {@value #DEAD_LETTERS}
     * @param id the dead letter's id
     * @return {@code replayed} (handled, and the dead letter deleted), {@code failed} (with the
     *     error; the dead letter stays) or {@code running} (not finished yet)
     * @throws InvalidEndpointRequestException (400) for another section or an unknown id
     */
    @WriteOperation
    public ReplayResult replay(@Selector String section, @Selector String id) {
        deadLettersOnly(section);
        DeadLetterQueue queue = bus.deadLetters();
        if (queue.get(id).isEmpty()) {
            throw new InvalidEndpointRequestException("no dead letter " + id, "No dead letter " + id);
        }
        try {
            queue.replay(id).get(replayWait.toMillis(), TimeUnit.MILLISECONDS);
            return new ReplayResult(id, "replayed", null);
        } catch (TimeoutException e) {
            return new ReplayResult(id, "running", "not finished within " + replayWait + "; it goes on");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof NoSuchElementException) {
                throw new InvalidEndpointRequestException("no dead letter " + id, "No dead letter " + id);
            }
            return new ReplayResult(id, "failed", cause.getClass().getName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ReplayResult(id, "running", "interrupted while waiting; it goes on");
        }
    }

    /**
     * Deletes one dead letter.
     *
     * @param section {@value #DEAD_LETTERS}
     * @param id its id
     * @return whether it existed
     * @throws InvalidEndpointRequestException (400) for another section
     */
    @DeleteOperation
    public DeleteResult delete(@Selector String section, @Selector String id) {
        deadLettersOnly(section);
        return new DeleteResult(id, bus.deadLetters().delete(id));
    }

    /**
     * Deletes every dead letter.
     *
     * @param section {@value #DEAD_LETTERS}
     * @return how many were deleted
     * @throws InvalidEndpointRequestException (400) for another section
     */
    @DeleteOperation
    public PurgeResult purge(@Selector String section) {
        deadLettersOnly(section);
        return new PurgeResult(bus.deadLetters().purge());
    }

    private static void deadLettersOnly(String section) {
        if (!DEAD_LETTERS.equals(section)) {
            throw new InvalidEndpointRequestException("only dead letters can be replayed or deleted, not " + section,
                    "Only " + DEAD_LETTERS + " can be replayed or deleted");
        }
    }

    private HealthView health() {
        HealthDetails.Verdict verdict = health.verdict();
        return new HealthView(verdict.up() ? "UP" : "DOWN", verdict.details());
    }

    private DeadLetterList deadLetters(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidEndpointRequestException("limit must be from 1 to " + MAX_LIMIT + " but was " + limit,
                    "limit must be from 1 to " + MAX_LIMIT);
        }
        DeadLetterQueue queue = bus.deadLetters();
        List<DeadLetterView> list = queue.list(limit).stream().map(letter -> DeadLetterView.of(letter, false)).toList();
        return new DeadLetterList(queue.size(), list);
    }

    private List<SubscriptionView> subscriptions() {
        Map<String, BusLifecycle.Subscribed> methods = listeners.get();
        List<ConsumerGroupHealth> groups = bus.health().groups();
        List<SubscriptionView> views = new ArrayList<>();
        for (HandlerStats stats : bus.stats().handlers()) {
            BusLifecycle.Subscribed method = methods.get(stats.handlerName());
            Optional<ConsumerGroupHealth> group = groupOf(groups, stats.eventType(), stats.handlerName());
            views.add(SubscriptionView.of(stats, method, busRetry, group.orElse(null)));
        }
        return views;
    }

    /**
     * The Streams group of a handler, named {@code <source>:<handler>}: of those of its type
     * ending so, the shortest (a longer one is of a handler whose name ends with this one's).
     */
    private static Optional<ConsumerGroupHealth> groupOf(List<ConsumerGroupHealth> groups, String eventType, String handler) {
        return groups.stream().filter(g -> g.eventType().equals(eventType) && g.group().endsWith(":" + handler))
                .min(Comparator.comparingInt(g -> g.group().length()));
    }

    /**
     * The endpoint's root.
     *
     * @param status {@code UP} or {@code DOWN}, as the health indicator {@code herald}
     * @param health the health indicator's details
     * @param subscriptions the bus's handlers
     */
    public record Summary(String status, Map<String, Object> health, List<SubscriptionView> subscriptions) {

        /** Copies. */
        public Summary {
            Objects.requireNonNull(status, "status");
            health = Collections.unmodifiableMap(new LinkedHashMap<>(health));
            subscriptions = List.copyOf(subscriptions);
        }
    }

    /**
     * The bus's health, as the health indicator {@code herald} shows it.
     *
     * @param status {@code UP} or {@code DOWN}
     * @param details the details
     */
    public record HealthView(String status, Map<String, Object> details) {

        /** Copies. */
        public HealthView {
            Objects.requireNonNull(status, "status");
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /**
     * One handler on the bus.
     *
     * @param eventType the type it receives
     * @param handler its name
     * @param method the {@code @HeraldListener} method, or {@code null} for a handler subscribed otherwise
     * @param concurrency its worker threads, or {@code null} when not known (not a listener method)
     * @param orderedBySubject whether events of one subject keep their order, or {@code null} when not known
     * @param queueCapacity events it may hold received, or {@code null} when not known
     * @param retry the retry policy it runs with: its own, else the bus's; {@code null} when not known
     *     (not a listener method, or on the policy of a bus the application built)
     * @param queued events received and waiting for it now
     * @param group its consumer group in Streams mode, or {@code null}
     * @param lag the group's lag, or {@code null}
     * @param pending the group's pending entries, or {@code null}
     * @param received events it received since the bus was built
     * @param handled events it handled
     * @param retried retries
     * @param deadLettered events it dead-lettered, of every reason
     */
    public record SubscriptionView(String eventType, String handler, @Nullable String method, @Nullable Integer concurrency,
            @Nullable Boolean orderedBySubject, @Nullable Integer queueCapacity, @Nullable RetryView retry, int queued,
            @Nullable String group, @Nullable Long lag, @Nullable Long pending, long received, long handled, long retried,
            long deadLettered) {

        /** Validates. */
        public SubscriptionView {
            Objects.requireNonNull(eventType, "eventType");
            Objects.requireNonNull(handler, "handler");
        }

        static SubscriptionView of(HandlerStats stats, BusLifecycle.@Nullable Subscribed method, @Nullable RetryPolicy busRetry,
                @Nullable ConsumerGroupHealth group) {
            SubscriptionOptions o = method == null ? null : method.options();
            RetryPolicy own = o == null ? null : o.retry();
            RetryPolicy retry = own != null || o == null ? own : busRetry; // a listener method without its own: the bus's
            long deadLettered = stats.deadLetters().values().stream().mapToLong(Long::longValue).sum();
            return new SubscriptionView(stats.eventType(), stats.handlerName(), method == null ? null : method.method(),
                    o == null ? null : o.concurrency(), o == null ? null : o.subjectOrdered(),
                    o == null ? null : o.queueCapacity(), retry == null ? null : RetryView.of(retry), stats.queued(),
                    group == null ? null : group.group(),
                    group == null || group.lag().isEmpty() ? null : group.lag().getAsLong(),
                    group == null || group.pending().isEmpty() ? null : group.pending().getAsLong(),
                    stats.received(), stats.handled(), stats.retried(), deadLettered);
        }
    }

    /**
     * A retry policy.
     *
     * @param maxAttempts calls in all
     * @param initialDelay the first delay, ISO-8601
     * @param multiplier the factor between delays
     * @param maxDelay the cap on a delay, ISO-8601
     * @param jitter the randomization
     */
    public record RetryView(int maxAttempts, String initialDelay, double multiplier, String maxDelay, double jitter) {

        /** Validates. */
        public RetryView {
            Objects.requireNonNull(initialDelay, "initialDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
        }

        static RetryView of(RetryPolicy p) {
            return new RetryView(p.maxAttempts(), p.initialDelay().toString(), p.multiplier(), p.maxDelay().toString(), p.jitter());
        }
    }

    /**
     * Dead letters: how many are kept, and the oldest.
     *
     * @param count how many the queue keeps
     * @param deadLetters the oldest, up to the limit, without their raw messages and stack traces
     */
    public record DeadLetterList(long count, List<DeadLetterView> deadLetters) {

        /** Copies. */
        public DeadLetterList {
            deadLetters = List.copyOf(deadLetters);
        }
    }

    /**
     * A dead letter: what {@link DeadLetter} holds, its raw message as UTF-8 text; in a list,
     * without its raw message and stack trace.
     *
     * @param id its id
     * @param reason why it is one
     * @param eventType the event type, or {@code null}
     * @param eventId the event id, or {@code null}
     * @param handler the handler, or {@code null}
     * @param attempts calls of the handler
     * @param error the one-line error
     * @param errorClass the last exception's class, or {@code null}
     * @param stackTrace its trimmed stack trace, or {@code null} (also in a list)
     * @param firstFailure when it first failed, ISO-8601
     * @param lastFailure when it last failed, ISO-8601
     * @param rawMessage the message as received (its first bytes if {@code truncated}) as UTF-8,
     *     or {@code null} in a list
     * @param rawMessageLength the length of the message as received, in bytes
     * @param truncated whether only the first bytes were kept (such a dead letter cannot be replayed)
     */
    public record DeadLetterView(String id, String reason, @Nullable String eventType, @Nullable String eventId,
            @Nullable String handler, int attempts, String error, @Nullable String errorClass, @Nullable String stackTrace,
            String firstFailure, String lastFailure, @Nullable String rawMessage, int rawMessageLength, boolean truncated) {

        /** Validates. */
        public DeadLetterView {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(firstFailure, "firstFailure");
            Objects.requireNonNull(lastFailure, "lastFailure");
        }

        static DeadLetterView of(DeadLetter d, boolean whole) {
            return new DeadLetterView(d.id(), d.reason().name(), d.eventType(), d.eventId(), d.handler(), d.attempts(),
                    d.error(), d.errorClass(), whole ? d.stackTrace() : null, d.firstFailure().toString(),
                    d.lastFailure().toString(), whole ? d.rawMessageText() : null, d.rawMessageLength(), d.truncated());
        }
    }

    /**
     * What a replay did.
     *
     * @param id the dead letter's id
     * @param outcome {@code replayed}, {@code failed} or {@code running}
     * @param error why it failed, or {@code null}
     */
    public record ReplayResult(String id, String outcome, @Nullable String error) {

        /** Validates. */
        public ReplayResult {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /**
     * What a delete did.
     *
     * @param id the dead letter's id
     * @param deleted whether it existed
     */
    public record DeleteResult(String id, boolean deleted) {

        /** Validates. */
        public DeleteResult {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * What a purge did.
     *
     * @param purged how many dead letters were deleted
     */
    public record PurgeResult(long purged) {
    }
}
