package dev.herald.spring.boot;

import dev.herald.RetryPolicy;
import dev.herald.redis.RedisEventBus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The settings of the application's bus, under 'herald.': each maps to an option of
 * {@link RedisEventBus.Builder} or of a handler's {@link dev.herald.SubscriptionOptions}, whose Javadoc
 * says what it does; a setting left out keeps Herald's default. Checked when bound, and the
 * retry policies and handler overrides, which depend on one another and on the annotations, at
 * startup once merged: a bad value fails the application's startup naming it.
 *
 * <pre>
 * herald.mode=streams
 * herald.retry.max-attempts=5
 * herald.streams.retention=500000
 * herald.handlers[orderListeners.sendConfirmation].concurrency=4
 * </pre>
 *
 * @param mode how events travel: 'pubsub' (default) or 'streams'
 * @param source the CloudEvents source, naming the consumer groups in Streams mode; default
 *     'spring.application.name', else 'herald'
 * @param prefix the prefix of every Redis key and channel; default 'herald'
 * @param instanceId this instance's id (the publisher id, and the consumer in Streams mode); default a random UUID
 * @param shutdownTimeout how long handlers may finish received events when the application
 *     stops, after which what is left is dead-lettered with reason 'SHUTDOWN' (Pub/Sub) or left
 *     pending for another instance (Streams); shorter
 *     than 'spring.lifecycle.timeout-per-shutdown-phase'; default two thirds of it (20 s)
 * @param publishTimeout how long a publish may wait before its future fails; default 10 s
 * @param maxInFlightPublishes how many publishes may wait for Redis at once; default 1000
 * @param maxMessageSize the largest event published or handled, from 1KB to 512MB; default 1MB
 * @param deadLetters the dead-letter stream's options
 * @param retry the bus's retry policy, for every handler without one of its own
 * @param pubsub options of Pub/Sub mode
 * @param streams options of Streams mode
 * @param handlers per handler name, overrides of its '@HeraldListener' attributes
 */
@ConfigurationProperties("herald")
public record HeraldProperties(
        @DefaultValue("pubsub") RedisEventBus.Mode mode,
        @Nullable String source,
        @Nullable String prefix,
        @Nullable String instanceId,
        @Nullable Duration shutdownTimeout,
        @Nullable Duration publishTimeout,
        @Nullable Integer maxInFlightPublishes,
        @Nullable DataSize maxMessageSize,
        @DefaultValue DeadLetters deadLetters,
        @DefaultValue Retry retry,
        @DefaultValue PubSub pubsub,
        @DefaultValue Streams streams,
        Map<String, Handler> handlers) {

    /** Checks what spans settings: options of the other mode are refused, not ignored. */
    public HeraldProperties {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(pubsub, "pubsub");
        Objects.requireNonNull(streams, "streams");
        handlers = handlers == null ? Map.of() : Map.copyOf(handlers);
        if (mode == RedisEventBus.Mode.PUBSUB && streams.isSet()) {
            throw new IllegalArgumentException("herald.streams.* is set but herald.mode is pubsub, which would ignore it:"
                    + " set herald.mode=streams, or remove herald.streams.*");
        }
        if (mode == RedisEventBus.Mode.STREAMS && pubsub.isSet()) {
            throw new IllegalArgumentException("herald.pubsub.* is set but herald.mode is streams, which would ignore it:"
                    + " set herald.mode=pubsub, or remove herald.pubsub.*");
        }
    }

    /**
     * Options of the dead-letter stream ('&lt;prefix&gt;:dlq').
     *
     * @param retention about how many dead letters the stream keeps, at least 1; default 100000
     * @param rawLimit how much of an oversized message its dead letter keeps, up to 512MB; default 1MB
     */
    public record DeadLetters(@Nullable Long retention, @Nullable DataSize rawLimit) {
    }

    /**
     * A retry policy; each value left out keeps the one it is applied over
     * ({@link RetryPolicy#defaults()} for the bus, the bus's policy for a handler). Checked at
     * startup as part of the policy it makes, against the values actually applied with it; a bad
     * one fails naming the property.
     *
     * @param maxAttempts calls of the handler in all, the first included (1: no retry)
     * @param initialDelay the delay before the first retry
     * @param multiplier the factor between consecutive delays, at least 1.0
     * @param maxDelay the cap on any delay
     * @param jitter the randomization of each delay, from 0.0 (none) to below 1.0; default 0.25
     */
    public record Retry(@Nullable Integer maxAttempts, @Nullable Duration initialDelay, @Nullable Double multiplier,
            @Nullable Duration maxDelay, @Nullable Double jitter) {

        /**
         * Whether any value is set.
         *
         * @return true if one is
         */
        public boolean isSet() {
            return maxAttempts != null || initialDelay != null || multiplier != null || maxDelay != null || jitter != null;
        }
    }

    /**
     * Options of Pub/Sub mode.
     *
     * @param heartbeatInterval how often the bus checks its subscription through Redis; default 2 s
     * @param heartbeatTimeout after how long without a heartbeat it reports itself down and
     *     resubscribes; longer than the interval; default 6 s
     * @param subscriberBuffer the bounds of the buffer between Redis and the handlers' queues
     */
    public record PubSub(@Nullable Duration heartbeatInterval, @Nullable Duration heartbeatTimeout,
            @Nullable SubscriberBuffer subscriberBuffer) {

        /**
         * Whether any value is set.
         *
         * @return true if one is
         */
        public boolean isSet() {
            return heartbeatInterval != null || heartbeatTimeout != null || subscriberBuffer != null;
        }
    }

    /**
     * The bounds of the Pub/Sub subscriber's buffer: near either, the bus stops reading from
     * Redis until its handlers catch up.
     *
     * @param messages at least 1; default 100000
     * @param bytes at least 1KB; default 32MB
     */
    public record SubscriberBuffer(@DefaultValue("100000") int messages, @DefaultValue("32MB") DataSize bytes) {

        /** Validates. */
        public SubscriberBuffer {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * Options of Streams mode.
     *
     * @param retention about how many entries each stream keeps, at least 1000; default 1000000
     * @param visibilityTimeout how long an entry may stay pending with a consumer before another
     *     instance takes it over; default 30 s
     * @param deliveryLimit how many times an entry's handler may be started without finishing it
     *     before it is dead-lettered; default 5
     * @param readBatch entries one read takes, from 1 to 10000; default 100
     * @param startFrom where a new consumer group starts: default new events only;
     *     '1970-01-01T00:00:00Z' for everything the stream holds
     * @param publishReplicas how many replicas must acknowledge each publish ('WAIT'); off by default
     * @param publishReplicasTimeout how long a publish waits for them, shorter than the publish
     *     timeout; set with 'publish-replicas'
     */
    public record Streams(@Nullable Long retention, @Nullable Duration visibilityTimeout, @Nullable Integer deliveryLimit,
            @Nullable Integer readBatch, @Nullable Instant startFrom, @Nullable Integer publishReplicas,
            @Nullable Duration publishReplicasTimeout) {

        /** Checks that the replicas and their timeout come together. */
        public Streams {
            if ((publishReplicas == null) != (publishReplicasTimeout == null)) {
                throw new IllegalArgumentException("herald.streams.publish-replicas and herald.streams.publish-replicas-timeout"
                        + " go together: set both, or neither");
            }
        }

        /**
         * Whether any value is set.
         *
         * @return true if one is
         */
        public boolean isSet() {
            return retention != null || visibilityTimeout != null || deliveryLimit != null || readBatch != null
                    || startFrom != null || publishReplicas != null;
        }
    }

    /**
     * Overrides of one handler's '@HeraldListener' attributes.
     *
     * @param concurrency worker threads, from 1 to 1024
     * @param orderedBySubject whether events of one subject keep their order when concurrent
     * @param queueCapacity events received but not yet handled that the handler may hold; default 1024
     * @param retry the handler's retry policy, over the bus's (or the annotation's)
     */
    public record Handler(@Nullable Integer concurrency, @Nullable Boolean orderedBySubject,
            @Nullable Integer queueCapacity, @DefaultValue Retry retry) {

        /** Validates; the values are checked when merged over the annotation's and the bus's, at startup. */
        public Handler {
            Objects.requireNonNull(retry, "retry");
        }
    }
}
