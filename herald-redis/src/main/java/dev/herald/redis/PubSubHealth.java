package dev.herald.redis;

import dev.herald.TransportHealth;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The health of a {@link RedisEventBus.Mode#PUBSUB} bus's transport, from
 * {@code bus.health().transport(PubSubHealth.class)}: its verdict and the values behind it, as its
 * heartbeat and intake last saw them. Counts are since the bus was built. Immutable.
 *
 * @param up whether the subscription works end to end
 * @param detail a one-line explanation of the verdict
 * @param reconnects times a subscriber connection to Redis was made again after it was lost: on one
 *     server, Lettuce's reconnects; on a Redis Cluster, node connections opened to replace one that
 *     closed (a failover, a killed connection, a connection replaced because none of its channels
 *     heard its heartbeat)
 * @param resubscriptions times the bus subscribed again where Redis had lost or dropped a
 *     subscription without the connection going: on one server, the channels resubscribed after a
 *     late heartbeat or a {@code CLIENT LIST} check; on a Redis Cluster, each time a shard channel
 *     was subscribed again after a loss (a failover, a moved slot, a deaf subscription)
 * @param missedEvents events published that this subscriber never received (a gap in a publisher's
 *     sequence numbers: while disconnected, cut off by Redis, or discarded by a full buffer)
 * @param discardedEvents events that arrived while the subscriber buffer was full, discarded
 * @param publishRetries publishes sent again after a failure
 * @param heartbeatAge time since the last heartbeat came back through the subscription; on a Redis
 *     Cluster, the longest such time of the shard channels subscribed
 * @param heartbeatLate whether that heartbeat is later than the timeout while reads were not
 *     paused: the subscription may be deaf, and is being resubscribed
 * @param bufferedEvents events in the subscriber buffer, between Redis and the handlers' queues
 * @param receivedEvents events received from Redis
 * @param readPauses times reading from Redis paused while handlers caught up
 * @param readsPaused whether reading is paused now
 * @param canPauseReads whether reading can pause at all: false for a bus on a {@code RedisClient}
 *     (or {@code RedisClusterClient}) without {@link HeraldNetty#customizer()}, which discards (and
 *     counts) events instead once its buffer is full; on a Redis Cluster also false until the
 *     first subscription's connection confirmed it (one switch then pauses the connection to every
 *     master)
 * @param channelsDown on a Redis Cluster, the shard channels that are not live now, each with why:
 *     not subscribed at the master of its slot, or no heartbeat through it since it was subscribed
 *     again; empty when all are live, and always on one server, where one connection carries every
 *     channel and {@code detail} says how it is
 */
public record PubSubHealth(boolean up, String detail, long reconnects, long resubscriptions, long missedEvents, long discardedEvents,
        long publishRetries, Duration heartbeatAge, boolean heartbeatLate, int bufferedEvents, long receivedEvents,
        long readPauses, boolean readsPaused, boolean canPauseReads, Map<String, String> channelsDown)
        implements TransportHealth {

    /** Validates, and copies {@code channelsDown}. */
    public PubSubHealth {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(heartbeatAge, "heartbeatAge");
        channelsDown = Collections.unmodifiableMap(new TreeMap<>(channelsDown));
        if (reconnects < 0 || resubscriptions < 0 || missedEvents < 0 || discardedEvents < 0 || publishRetries < 0
                || bufferedEvents < 0 || receivedEvents < 0 || readPauses < 0) {
            throw new IllegalArgumentException("counts cannot be negative: " + reconnects + ", " + resubscriptions + ", "
                    + missedEvents + ", " + discardedEvents + ", " + publishRetries + ", " + bufferedEvents + ", "
                    + receivedEvents + ", " + readPauses);
        }
    }
}
