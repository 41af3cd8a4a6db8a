package dev.herald.spring.internal;

import dev.herald.RetryPolicy;
import dev.herald.redis.RedisEventBus;
import dev.herald.spring.boot.HeraldProperties;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * Sets {@link HeraldProperties} on a bus builder: each property on the builder option of the
 * same meaning, and only those set, so that the builder's defaults stay Herald's. A value the
 * builder refuses fails with the property's name before the builder's message. Stateless.
 */
public final class BusProperties {

    private BusProperties() {
    }

    /**
     * Sets the properties on a builder.
     *
     * @param properties the properties
     * @param builder the builder
     * @param applicationName {@code spring.application.name}, the source when {@code herald.source} is not set
     * @param shutdownTimeout the bus's shutdown timeout, resolved
     * @return the builder
     * @throws IllegalArgumentException naming the property whose value the builder refuses
     */
    public static RedisEventBus.Builder apply(HeraldProperties properties, RedisEventBus.Builder builder,
            @Nullable String applicationName, Duration shutdownTimeout) {
        builder.mode(properties.mode());
        String source = properties.source();
        if (source != null) {
            set("herald.source", () -> builder.source(source));
        } else if (applicationName != null) {
            set("spring.application.name (the source, as herald.source is not set)", () -> builder.source(applicationName));
        }
        String prefix = properties.prefix();
        if (prefix != null) {
            set("herald.prefix", () -> builder.prefix(prefix));
        }
        String instanceId = properties.instanceId();
        if (instanceId != null) {
            set("herald.instance-id", () -> builder.instanceId(instanceId));
        }
        Duration publishTimeout = properties.publishTimeout();
        if (publishTimeout != null) {
            set("herald.publish-timeout", () -> builder.publishTimeout(publishTimeout));
        }
        Integer maxInFlight = properties.maxInFlightPublishes();
        if (maxInFlight != null) {
            set("herald.max-in-flight-publishes", () -> builder.maxInFlightPublishes(maxInFlight));
        }
        DataSize maxMessageSize = properties.maxMessageSize();
        if (maxMessageSize != null) {
            set("herald.max-message-size", () -> builder.maxMessageSize(bytes(maxMessageSize)));
        }
        Long retention = properties.deadLetters().retention();
        if (retention != null) {
            set("herald.dead-letters.retention", () -> builder.deadLetterRetention(retention));
        }
        DataSize rawLimit = properties.deadLetters().rawLimit();
        if (rawLimit != null) {
            set("herald.dead-letters.raw-limit", () -> builder.deadLetterRawLimit(bytes(rawLimit)));
        }
        set("herald.shutdown-timeout", () -> builder.shutdownTimeout(shutdownTimeout));
        builder.retry(busRetry(properties));
        pubSub(properties.pubsub(), builder);
        streams(properties.streams(), builder);
        return builder;
    }

    /**
     * The bus's retry policy: {@code herald.retry.*} over Herald's defaults ({@link HandlerOptions}).
     *
     * @param properties the properties
     * @return the policy
     */
    public static RetryPolicy busRetry(HeraldProperties properties) {
        return HandlerOptions.busRetry(properties.retry());
    }

    private static void pubSub(HeraldProperties.PubSub pubsub, RedisEventBus.Builder builder) {
        Duration interval = pubsub.heartbeatInterval();
        Duration timeout = pubsub.heartbeatTimeout();
        if (interval != null || timeout != null) {
            set("herald.pubsub.heartbeat-interval/-timeout", () -> builder.heartbeat(
                    interval != null ? interval : RedisEventBus.Builder.DEFAULT_HEARTBEAT_INTERVAL,
                    timeout != null ? timeout : RedisEventBus.Builder.DEFAULT_HEARTBEAT_TIMEOUT));
        }
        HeraldProperties.SubscriberBuffer buffer = pubsub.subscriberBuffer();
        if (buffer != null) {
            set("herald.pubsub.subscriber-buffer", () -> builder.subscriberBuffer(buffer.messages(), buffer.bytes().toBytes()));
        }
    }

    private static void streams(HeraldProperties.Streams streams, RedisEventBus.Builder builder) {
        Long retention = streams.retention();
        if (retention != null) {
            set("herald.streams.retention", () -> builder.streamRetention(retention));
        }
        Duration visibilityTimeout = streams.visibilityTimeout();
        if (visibilityTimeout != null) {
            set("herald.streams.visibility-timeout", () -> builder.visibilityTimeout(visibilityTimeout));
        }
        Integer deliveryLimit = streams.deliveryLimit();
        if (deliveryLimit != null) {
            set("herald.streams.delivery-limit", () -> builder.deliveryLimit(deliveryLimit));
        }
        Integer readBatch = streams.readBatch();
        if (readBatch != null) {
            set("herald.streams.read-batch", () -> builder.readBatch(readBatch));
        }
        Integer replicas = streams.publishReplicas();
        Duration replicasTimeout = streams.publishReplicasTimeout();
        if (replicas != null && replicasTimeout != null) {
            set("herald.streams.publish-replicas", () -> builder.publishReplicas(replicas, replicasTimeout));
        }
        if (streams.startFrom() != null) {
            set("herald.streams.start-from", () -> builder.startFrom(java.util.Objects.requireNonNull(streams.startFrom())));
        }
    }

    /** The size in bytes, or {@code Integer.MAX_VALUE} for more, which the builder refuses naming the limit. */
    private static int bytes(DataSize size) {
        return (int) Math.min(size.toBytes(), Integer.MAX_VALUE);
    }

    private static void set(String property, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }
}
