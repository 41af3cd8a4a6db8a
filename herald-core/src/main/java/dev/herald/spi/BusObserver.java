package dev.herald.spi;

import dev.herald.DeadLetter;
import dev.herald.Envelope;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Told what a bus does, for metrics and tracing: each publish, each event received for a handler,
 * each handler run, each retry, each dead letter, and events a Pub/Sub subscriber missed (and the
 * ones of those that arrived late). Set with
 * {@code observer(BusObserver)} on a bus's builder; several combine with {@link #composite}. Every
 * method has a default that does nothing, so an observer implements what it needs.
 *
 * <p>An observer can carry context through the event: on publish it may set extension attributes
 * ({@link Publish#attributes()}, such as {@code traceparent}), which travel in the CloudEvent; on
 * the handling side it reads them from {@link HandlerRun#event()} and may make a context current
 * around the handler's call ({@link HandlerObservation#makeCurrent()}), so that what the handler
 * does, and what it publishes, belongs to that context.
 *
 * <p>Called concurrently, from publishing threads, handler threads and the transport's threads:
 * implementations must be thread-safe, quick, and must not block. An exception an observer throws
 * is logged and otherwise ignored: observing never changes what happens to an event.
 */
public interface BusObserver {

    /**
     * A publish begins, on the publishing thread, before the event is encoded: the observer may
     * set extension attributes of the event.
     *
     * @param publish the event being published
     * @return the observation, ended once the transport accepted the message or the publish failed
     */
    default PublishObservation publishStarted(Publish publish) {
        return PublishObservation.NONE;
    }

    /**
     * A message arrived for a handler and entered its queue (one call per message and handler, as
     * {@code BusStats.received} counts them), on the thread that queued it: the transport's, or
     * the publisher's in memory. Its handler's worker may already have taken it up.
     *
     * @param received what arrived
     */
    default void received(Received received) {
    }

    /**
     * A handler is about to be called for an event (once per attempt), on the thread that calls it.
     *
     * @param run the event, handler and attempt
     * @return the observation, made current around the call and ended after it with its outcome
     */
    default HandlerObservation handlerStarted(HandlerRun run) {
        return HandlerObservation.NONE;
    }

    /**
     * A handler's attempt failed and it will be called again after {@code retry.delay()}.
     *
     * @param retry the event type, handler, failed attempt, delay and error
     */
    default void retryScheduled(Retry retry) {
    }

    /**
     * An event became a dead letter for a handler, whatever the reason (handler failure, bad
     * input, shutdown).
     *
     * @param deadLettered the event type, handler, reason and error
     */
    default void deadLettered(DeadLettered deadLettered) {
    }

    /**
     * A dead letter told to {@link #deadLettered} is void: a handler that a shutdown's deadline had
     * parked (reason {@link DeadLetter.Reason#SHUTDOWN}) completed the event after all. Its dead
     * letter is deleted, and the event counts as handled in {@code bus.stats()}, as the handler
     * run's observation, ended {@link HandlerOutcome#SUCCESS}, says too: an observer that counts
     * dead letters takes this one back. Never told for a dead letter that could not be deleted.
     *
     * @param voided the event type, handler and reason, as told to {@link #deadLettered}; no error
     */
    default void deadLetterVoided(DeadLettered voided) {
    }

    /**
     * A Pub/Sub subscriber found events of a type missing (published while it was disconnected,
     * or cut off by Redis): counted as missed. Most never arrive; one that arrives late after all
     * (a publish retried after a reconnect, overtaken by a later one) is delivered and handled as
     * any other, and told to {@link #arrivedLate}.
     *
     * @param eventType the type
     * @param count how many were missed, at least 1
     */
    default void missed(String eventType, long count) {
    }

    /**
     * Events told to {@link #missed} as missed arrived late after all: they are delivered to their
     * handlers, and taken off {@code BusStats.missedByType()} (counted in {@code lateArrivalsByType()}).
     * An observer that counts missed events as net takes these back; one that counts only rising
     * totals counts them apart.
     *
     * @param eventType the type
     * @param count how many arrived late, at least 1
     */
    default void arrivedLate(String eventType, long count) {
    }

    /**
     * The observer that observes nothing: the default of every bus.
     *
     * @return the no-op observer
     */
    static BusObserver noop() {
        return Observers.NOOP;
    }

    /**
     * Observers told everything in the order given; on the handling side, each one's context is
     * made current in that order and closed in reverse.
     *
     * @param observers the observers, none null
     * @return one observer for all of them
     */
    static BusObserver composite(BusObserver... observers) {
        return composite(Arrays.asList(Objects.requireNonNull(observers, "observers")));
    }

    /**
     * As {@link #composite(BusObserver...)}.
     *
     * @param observers the observers, none null
     * @return one observer for all of them
     */
    static BusObserver composite(List<? extends BusObserver> observers) {
        return Observers.composite(observers);
    }

    /** A publish being observed; ended once, from any thread. */
    interface PublishObservation {

        /** Does nothing. */
        PublishObservation NONE = (size, failure) -> { };

        /**
         * The publish finished.
         *
         * @param sizeBytes the encoded message's size, or -1 if it was not encoded (it failed before)
         * @param failure why it failed, or {@code null} if the transport accepted it
         */
        void end(int sizeBytes, @Nullable Throwable failure);
    }

    /** One handler run being observed: made current around the handler's call, then ended once. */
    interface HandlerObservation {

        /** Does nothing. */
        HandlerObservation NONE = new HandlerObservation() {
            @Override
            public Scope makeCurrent() {
                return Scope.NONE;
            }

            @Override
            public void end(HandlerOutcome outcome, @Nullable Throwable error) {
            }
        };

        /**
         * Makes this run's context current on the calling thread (the handler's), until the scope
         * is closed on the same thread, right after the handler returned or threw.
         *
         * @return the scope to close
         */
        Scope makeCurrent();

        /**
         * The run finished.
         *
         * @param outcome what became of the event after this run
         * @param error what the handler threw, or {@code null}
         */
        void end(HandlerOutcome outcome, @Nullable Throwable error);
    }

    /** A context made current; closing it restores the previous one. */
    interface Scope extends AutoCloseable {

        /** Does nothing. */
        Scope NONE = () -> { };

        @Override
        void close();
    }

    /** What became of an event after one handler run. */
    enum HandlerOutcome {
        /** The handler succeeded. */
        SUCCESS,
        /** It failed and will be called again. */
        RETRIED,
        /** It failed for the last time and the event is a dead letter. */
        DEAD_LETTERED,
        /**
         * It failed and the event is neither retried nor a dead letter here: a replay that failed
         * (the dead letter is kept), a run a shutdown interrupted (the event is parked or left pending).
         */
        ERROR;

        private final String tagValue = name().toLowerCase(Locale.ROOT);

        /**
         * The outcome as a tag value: {@code success}, {@code retried}, {@code dead_lettered}, {@code error}.
         *
         * @return the lower-case name
         */
        public String tagValue() {
            return tagValue;
        }
    }

    /**
     * The extension attributes of an event being published, which an observer may add to.
     */
    interface Attributes {

        /**
         * An attribute of the event, such as one the publisher set as a header.
         *
         * @param name the attribute name
         * @return its value, or {@code null}
         */
        @Nullable String get(String name);

        /**
         * Sets an extension attribute, replacing one of the same name the publisher set.
         *
         * @param name a CloudEvents extension name (1 to 20 lower-case letters or digits), not one Herald sets itself
         * @param value the value
         * @throws IllegalArgumentException naming the bad name
         */
        void set(String name, String value);
    }

    /**
     * An event being published.
     *
     * @param system where the bus publishes, as OpenTelemetry's {@code messaging.system}: {@code redis}, {@code herald-memory}
     * @param eventType the event type name (the destination)
     * @param eventId the event's id
     * @param source the CloudEvents source
     * @param attributes its extension attributes, readable and writable while {@link BusObserver#publishStarted} runs
     */
    record Publish(String system, String eventType, String eventId, String source, Attributes attributes) {
    }

    /**
     * A message that arrived for a handler.
     *
     * @param system where it came from ({@code redis}, {@code herald-memory})
     * @param eventType the type whose topic it arrived on
     * @param handlerName the handler it is for
     * @param sizeBytes the message's size
     */
    record Received(String system, String eventType, String handlerName, int sizeBytes) {
    }

    /**
     * One call of a handler.
     *
     * @param system where the event came from ({@code redis}, {@code herald-memory})
     * @param handlerName the handler (and, in Streams mode, its consumer group's handler part)
     * @param attempt 1 for the first call, 2 for the first retry...
     * @param event the event, its extension attributes in {@link Envelope#headers()}
     */
    record HandlerRun(String system, String handlerName, int attempt, Envelope<?> event) {
    }

    /**
     * A retry to come.
     *
     * @param eventType the event type
     * @param handlerName the handler
     * @param attempt the attempt that failed
     * @param delay how long until the next one
     * @param error what the handler threw
     */
    record Retry(String eventType, String handlerName, int attempt, Duration delay, Throwable error) {
    }

    /**
     * A dead letter written (or, if the store was unreachable, logged).
     *
     * @param eventType the type the handler is subscribed to, whose topic the message arrived on:
     *     a bounded value, fit for a metric's tag, also for a message of another type
     *     ({@link DeadLetter.Reason#UNKNOWN_TYPE}) or one that could not be read; the dead letter
     *     itself keeps the message's own type
     * @param handlerName the handler
     * @param reason why
     * @param error the handler's or the decoder's error, or {@code null}
     */
    record DeadLettered(String eventType, String handlerName, DeadLetter.Reason reason, @Nullable Throwable error) {
    }
}
