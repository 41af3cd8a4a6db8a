package dev.herald.redis.internal.pubsub;

import dev.herald.spi.BusObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * The options of a Pub/Sub transport, the same for both: {@link RedisPubSubTransport} on one
 * server and {@link ShardedPubSubTransport} on a Redis Cluster. The bus's builder checks the
 * values; this record only rejects nulls. Immutable.
 *
 * @param prefix the key prefix of the channels and heartbeats
 * @param source the CloudEvents source of the heartbeats, the bus's
 * @param instanceId the bus's instance id: names its heartbeat channel(s), its connections and threads
 * @param clock the clock of the heartbeats' ids and times
 * @param publishTimeout how long a publish, or a subscription's confirmation, may wait
 * @param heartbeatInterval how often a heartbeat is published through each subscription
 * @param heartbeatTimeout how late a heartbeat may be before the subscription counts as deaf
 * @param bufferMessages how many messages the subscriber intake buffers at most
 * @param bufferBytes how many bytes the subscriber intake buffers at most
 * @param threadFactory where the intake and timer threads come from, the bus's
 * @param observer the bus's observer, told of missed events
 */
public record PubSubOptions(String prefix, String source, String instanceId, Clock clock, Duration publishTimeout,
        Duration heartbeatInterval, Duration heartbeatTimeout, int bufferMessages, long bufferBytes,
        ThreadFactory threadFactory, BusObserver observer) {

    /** Rejects nulls, naming the option. */
    public PubSubOptions {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
        Objects.requireNonNull(threadFactory, "threadFactory");
        Objects.requireNonNull(observer, "observer");
    }
}
