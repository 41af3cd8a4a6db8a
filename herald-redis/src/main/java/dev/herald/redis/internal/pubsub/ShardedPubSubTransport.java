package dev.herald.redis.internal.pubsub;

import dev.herald.redis.PubSubHealth;
import dev.herald.redis.RedisKeys;
import dev.herald.redis.internal.KeysByType;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.SocketReads;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sharded Pub/Sub on a Redis Cluster: one shard channel per event type ({@code <prefix>:<type>},
 * the names of one server), published with SPUBLISH, which Lettuce routes to the master of the
 * channel's slot, and subscribed with SSUBSCRIBE on a plain Pub/Sub connection to that master:
 * one connection per master in use ({@link ShardConnections}), none while nothing is subscribed.
 *
 * <p>Lettuce does not follow a sharded subscription when its slot moves (lettuce#3213); this
 * transport does ({@link SlotFollower}). A channel's subscription is lost when Redis ends it
 * ({@code sunsubscribe}, after its slot migrated), when the connection to its master closes (a
 * failover), or when its heartbeat is late (a deaf subscription); each time the channel is
 * subscribed again at the master the topology names, before it is unsubscribed elsewhere. A
 * channel's messages are taken only from the connection where Redis confirmed it last, so an
 * old master that comes back as a replica never delivers one twice.
 *
 * <p>Heartbeat per shard ({@link ShardHeartbeat}): each channel's subscription is checked end to
 * end by a heartbeat in its slot, and health names the channels that are not live. Events
 * published meanwhile are counted as missed from the publishers' sequence numbers, as on one
 * server.
 *
 * <p>Reading pauses while handlers catch up, as on one server: one {@link SocketReads} learns
 * the socket of every node connection and pauses them all. Thread-safe.
 */
public final class ShardedPubSubTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(ShardedPubSubTransport.class);

    private final RedisEndpoint endpoint;
    private final PubSubOptions options;
    private final KeysByType keys;
    /** The channels listened on, and the lock under which they and the connections change. */
    private final ShardChannels channels = new ShardChannels();
    /** The sender, the intake, the timer thread; every node connection's socket is learnt from its {@code ssubscribed} callbacks. */
    private final PubSubPlumbing plumbing;
    /** Takes a listener off a channel, unsubscribing it with its last. */
    private final ListenerRemoval removal;
    /** A connection per master in use; changed under the channels' lock. */
    private final ShardConnections nodes;
    /** Subscribes channels at the masters of their slots, on a thread of its own that waits for Redis under the channels' lock. */
    private final SlotFollower follower;
    private final ShardHeartbeat heartbeat;
    private volatile boolean started;
    private volatile boolean closed;

    private final RedisConnectionStateListener connectionEvents = new RedisConnectionStateListener() {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            endpoint.connectedTo(address);
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            NodeSubscriber node = nodes.owning(connection);
            if (node != null) {
                lostConnection(node);
            }
        }
    };

    /**
     * @throws IllegalArgumentException if the instance id has '{' or '}', which would put the
     *     heartbeats in other slots than their channels
     */
    public ShardedPubSubTransport(RedisEndpoint endpoint, PubSubOptions options) {
        if (options.instanceId().indexOf('{') >= 0 || options.instanceId().indexOf('}') >= 0) {
            throw new IllegalArgumentException("instanceId '" + options.instanceId() + "' has '{' or '}', which on Redis "
                    + "Cluster would put its heartbeats in other hash slots than their channels: use one without braces");
        }
        this.endpoint = endpoint;
        this.options = options;
        this.keys = new KeysByType(type -> RedisKeys.channel(options.prefix(), type));
        this.plumbing = new PubSubPlumbing(endpoint, options, () -> closed, log);
        this.removal = new ListenerRemoval(channels.lock(), plumbing.intake, options.publishTimeout(), log);
        this.nodes = new ShardConnections(endpoint, options.prefix() + "-sub-" + options.instanceId(), plumbing.reads, new Events(),
                () -> closed, this::lostConnection, plumbing::warnLaterIfReadsCannotPause);
        this.follower = new SlotFollower(endpoint, options, channels, nodes, () -> closed, this::sendHeartbeat, log);
        this.heartbeat = new ShardHeartbeat(options, plumbing, channels.all(), nodes, follower, this::sendHeartbeat,
                endpoint::describe, log);
    }

    @Override
    public TransportFeatures features() {
        return TransportFeatures.BROADCAST;
    }

    @Override
    public String messagingSystem() {
        return "redis";
    }

    @Override
    public Map<String, Long> missedByType() {
        return plumbing.gaps.missedByType();
    }

    /**
     * Connects and starts the heartbeat; on failure closes everything it opened (connections,
     * threads, the topology-event subscription).
     *
     * @throws IllegalStateException if it cannot connect
     */
    @Override
    public void start() {
        try {
            endpoint.addListener(connectionEvents);
            plumbing.connect(); // loads the topology
            plumbing.start();
            follower.start(endpoint.resources());
            heartbeat.start();
            started = true;
        } catch (RuntimeException e) {
            close(Duration.ZERO);
            if (e instanceof RedisException) {
                throw new IllegalStateException(endpoint.cannotConnect(e), e);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ publish

    @Override
    public CompletableFuture<Void> publish(String eventType, byte[] message) {
        KeysByType.Key channel = keys.of(eventType);
        return plumbing.sender.send(channel.name(), channel.bytes(), redis -> redis.spublish(channel.bytes(), message));
    }

    // ------------------------------------------------------------------ receive

    /** What the node connections tell, on their event loops. */
    private final class Events implements NodeSubscriber.Events {

        @Override
        public void message(NodeSubscriber from, String channel, byte[] body) {
            ShardChannel c = channels.named(channel);
            if (c != null) {
                DeliveryListener[] targets = c.listeners();
                if (c.deliversFrom(from) && targets.length > 0) {
                    plumbing.intake.offer(channel, body, targets);
                }
                return;
            }
            ShardChannel beating = channels.ofHeartbeat(channel);
            if (beating != null) {
                beating.heardAt(from, System.nanoTime());
            }
        }

        @Override
        public void subscribed(NodeSubscriber at, String channel) {
            ShardChannel c = channels.named(channel);
            if (c != null) {
                c.confirmedAt(at, System.nanoTime());
            }
        }

        @Override
        public void unsubscribed(NodeSubscriber at, String channel) {
            ShardChannel c = channels.named(channel);
            if (c != null && c.wanted() && c.lostAt(at, at + " ended the subscription (its slot moved)")) {
                log.info("{} ended the subscription to {}: its slot moved; subscribing at its new master", at, channel);
                follower.follow();
            }
        }
    }

    private void lostConnection(NodeSubscriber node) {
        List<ShardChannel> lost = new ArrayList<>();
        for (ShardChannel c : channels.all()) {
            if (c.lostAt(node, "the connection to " + node + " closed")) {
                lost.add(c);
            }
        }
        if (!lost.isEmpty() && !closed) {
            log.warn("Lost the connection to {} of {}, which served {}; subscribing at their masters again. Events "
                    + "published meanwhile are missed, and counted", node, endpoint.describe(), lost);
            follower.follow();
        }
    }

    // ------------------------------------------------------------------ subscribe

    @Override
    public TransportSubscription subscribe(String eventType, String group, DeliveryListener listener) {
        String name = RedisKeys.channel(options.prefix(), eventType);
        ShardChannel c;
        channels.lock().lock();
        try {
            c = channels.named(name);
            if (c == null) {
                c = new ShardChannel(name, RedisKeys.shardHeartbeat(options.prefix(), options.instanceId(), eventType));
                c.listeners(new DeliveryListener[] {listener});
                channels.add(c);
                try {
                    follower.subscribeNew(c);
                } catch (RuntimeException e) {
                    channels.remove(c);
                    nodes.closeUnused(channels::anyAt);
                    throw new IllegalStateException("cannot subscribe to " + name + " on " + endpoint.describe() + ": "
                            + RedisEndpoint.rootMessage(e), e);
                }
            } else {
                c.listeners(Listeners.with(c.listeners(), listener));
            }
        } finally {
            channels.lock().unlock();
        }
        ShardChannel subscribed = c;
        return () -> cancel(subscribed, listener);
    }

    private void cancel(ShardChannel c, DeliveryListener listener) {
        removal.remove(c.name, new ListenerRemoval.Channel() {
            @Override
            public DeliveryListener[] listeners() {
                return c.listeners();
            }

            @Override
            public void listeners(DeliveryListener[] list) {
                c.listeners(list);
            }

            @Override
            public ListenerRemoval.@Nullable Subscription subscription() {
                NodeSubscriber at = c.at();
                // Redis answers SSUBSCRIBE again, while other listeners stay, in order with the messages
                return at == null ? null
                        : new ListenerRemoval.Subscription(at, at::isOpen, () -> at.unsubscribe(c), () -> at.subscribe(c));
            }

            @Override
            public void lastGoing() {
                c.unwanted(); // Redis's sunsubscribe is no loss now
            }

            @Override
            public void lastGone() {
                channels.remove(c);
                nodes.closeUnused(channels::anyAt);
            }
        }, listener);
    }

    /** For tests: the connection a type's channel is subscribed on now, if it is. */
    @Nullable StatefulRedisPubSubConnection<byte[], byte[]> connectionOf(String eventType) {
        ShardChannel c = channels.named(RedisKeys.channel(options.prefix(), eventType));
        NodeSubscriber at = c != null ? c.at() : null;
        return at != null ? at.connection() : null;
    }

    @Override
    public void awaitDelivered(Duration timeout) throws InterruptedException {
        plumbing.intake.flush(timeout);
    }

    // ------------------------------------------------------------------ heartbeat and health

    private void sendHeartbeat(ShardChannel c) {
        plumbing.sendHeartbeat((redis, beat) -> redis.spublish(c.heartbeatBytes, beat));
    }

    @Override
    public PubSubHealth health() {
        return heartbeat.health(started, closed);
    }

    // ------------------------------------------------------------------ close

    @Override
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        follower.stop(timeout);
        plumbing.stop();
        nodes.closeAll();
        plumbing.closeConnections();
        endpoint.removeListener(connectionEvents);
        plumbing.release();
    }

    @Override
    public String toString() {
        return "redis-sharded-pubsub " + endpoint.describe();
    }
}
