package dev.herald.redis.internal.pubsub;

import dev.herald.redis.PubSubHealth;
import dev.herald.redis.RedisKeys;
import dev.herald.redis.internal.KeysByType;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Pub/Sub: one channel per event type ({@code <prefix>:<type>}), one Pub/Sub connection
 * per bus for every subscription, a separate connection for publishing. A heartbeat published on
 * the bus's own channel checks the subscription end to end; publisher sequence numbers count
 * what was missed while disconnected. The heartbeat is a CloudEvent of the reserved type
 * {@value RedisKeys#HEARTBEAT_TYPE} ({@link HeartbeatEvent}), so that everything the transport
 * publishes under the prefix reads as a CloudEvent; the subscriber recognizes it by its channel.
 */
public final class RedisPubSubTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(RedisPubSubTransport.class);
    /** Besides after each reconnect, subscriptions are checked in CLIENT LIST every this many heartbeats. */
    private static final int VERIFY_EVERY_HEARTBEATS = 15;

    private final RedisEndpoint endpoint;
    private final PubSubOptions options;
    private final String heartbeatChannel;
    /**
     * Per channel, its listeners. Each array is replaced under {@link #subscribeLock}, never
     * written, so the event loop hands it on with each message without a copy or a lock.
     */
    private final Map<String, DeliveryListener[]> listeners = new ConcurrentHashMap<>();
    private final Map<String, byte[]> channelBytes = new ConcurrentHashMap<>();
    private final KeysByType channels;
    /** The sender, the intake, the timer thread; the subscriber's socket is learnt from its {@code subscribed} callbacks. */
    private final PubSubPlumbing plumbing;
    /** Takes a listener off a channel, unsubscribing it with its last. */
    private final ListenerRemoval removal;
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder resubscriptions = new LongAdder();
    /**
     * Held while the listeners of a channel change, and while Redis confirms it; a lock, not a
     * monitor, since that waits for Redis (and would pin a virtual thread's carrier on Java 21 to 23).
     */
    private final ReentrantLock subscribeLock = new ReentrantLock();
    private volatile long lastHeartbeatNanos;
    private volatile long startedNanos;
    private volatile boolean deaf;
    /**
     * Our connections (publisher, subscriber) that are down: the bus is disconnected until both
     * are back, whichever comes back first.
     */
    private final Set<RedisChannelHandler<?, ?>> down = ConcurrentHashMap.newKeySet();
    /** False from a reconnect of the subscriber until a heartbeat came through it. */
    private volatile boolean heardSinceReconnect = true;
    private volatile boolean closed;
    private volatile boolean clientListDenied;
    private @Nullable StatefulRedisPubSubConnection<byte[], byte[]> subscriber;

    private final RedisConnectionStateListener connectionEvents = new RedisConnectionStateListener() {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (isOurs(connection)) {
                endpoint.connectedTo(address);
                if (connection == subscriber) {
                    heardSinceReconnect = false; // up again once a heartbeat came through the new connection
                }
                if (down.remove(connection) && down.isEmpty()) {
                    reconnects.increment();
                    log.info("Reconnected to {}; resubscribing, and verifying the subscriptions", endpoint.describe());
                    if (!closed) {
                        plumbing.scheduler.schedule(RedisPubSubTransport.this::verifySubscriptions, 50, TimeUnit.MILLISECONDS);
                    }
                }
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (isOurs(connection) && !closed && down.add(connection) && down.size() == 1) {
                log.warn("Lost the connection to {}; reconnecting. Pub/Sub events published meanwhile are missed, and counted",
                        endpoint.describe());
            }
        }
    };

    public RedisPubSubTransport(RedisEndpoint endpoint, PubSubOptions options) {
        this.endpoint = endpoint;
        this.options = options;
        this.heartbeatChannel = RedisKeys.heartbeat(options.prefix(), options.instanceId());
        this.channels = new KeysByType(this::channelOf);
        this.plumbing = new PubSubPlumbing(endpoint, options, () -> closed, log);
        this.removal = new ListenerRemoval(subscribeLock, plumbing.intake, options.publishTimeout(), log);
    }

    private String subscriberName() {
        return options.prefix() + "-sub-" + options.instanceId();
    }

    private boolean isOurs(RedisChannelHandler<?, ?> connection) {
        // not the events connection: its reconnects say nothing about what the subscriber hears
        RedisConnection p = plumbing.commands(); // heartbeats and CLIENT LIST
        return p != null && connection == p.stateful() || connection == subscriber;
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

    @Override
    public void start() {
        endpoint.addListener(connectionEvents);
        try {
            plumbing.connect();
            StatefulRedisPubSubConnection<byte[], byte[]> sub = endpoint.connectPubSub(subscriberName());
            subscriber = sub;
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    receive(channel, message);
                }

                @Override
                public void subscribed(byte[] channel, long count) {
                    plumbing.reads.learn(); // within the read of the connection's socket, after each reconnect too
                }
            });
            sub.sync().subscribe(channel(heartbeatChannel));
        } catch (RedisException e) {
            closeConnections();
            endpoint.removeListener(connectionEvents);
            throw new IllegalStateException(endpoint.cannotConnect(e), e);
        }
        plumbing.start();
        plumbing.warnLaterIfReadsCannotPause();
        startedNanos = System.nanoTime();
        lastHeartbeatNanos = startedNanos;
        long every = options.heartbeatInterval().toMillis();
        plumbing.scheduler.scheduleWithFixedDelay(this::heartbeat, 0, every, TimeUnit.MILLISECONDS);
    }

    private final ChannelNames names = new ChannelNames();

    /** On Lettuce's event loop: no blocking, no decoding. */
    private void receive(byte[] channel, byte[] message) {
        String name = names.of(channel);
        if (name.equals(heartbeatChannel)) {
            lastHeartbeatNanos = System.nanoTime();
            heardSinceReconnect = true;
            return;
        }
        DeliveryListener[] targets = listeners.get(name);
        if (targets != null && targets.length > 0) {
            plumbing.intake.offer(name, message, targets);
        }
    }

    private byte[] channel(String name) {
        return channelBytes.computeIfAbsent(name, n -> n.getBytes(StandardCharsets.UTF_8));
    }

    private String channelOf(String eventType) {
        return RedisKeys.channel(options.prefix(), eventType);
    }

    // ------------------------------------------------------------------ publish

    @Override
    public CompletableFuture<Void> publish(String eventType, byte[] message) {
        KeysByType.Key channel = channels.of(eventType);
        return plumbing.sender.send(channel.name(), redis -> redis.publish(channel.bytes(), message));
    }

    // ------------------------------------------------------------------ subscribe

    @Override
    public TransportSubscription subscribe(String eventType, String group, DeliveryListener listener) {
        String channel = channelOf(eventType);
        subscribeLock.lock();
        try {
            DeliveryListener[] before = listeners.getOrDefault(channel, Listeners.NONE);
            listeners.put(channel, Listeners.with(before, listener));
            if (before.length == 0) {
                try {
                    requireSubscriber().sync().subscribe(channel(channel)); // returns once Redis confirmed it
                } catch (RedisException e) {
                    listeners.put(channel, before);
                    throw new IllegalStateException("cannot subscribe to " + channel + " on " + endpoint.describe() + ": "
                            + RedisEndpoint.rootMessage(e), e);
                }
            }
        } finally {
            subscribeLock.unlock();
        }
        return () -> cancel(channel, listener);
    }

    private void cancel(String channel, DeliveryListener listener) {
        removal.remove(channel, new ListenerRemoval.Channel() {
            @Override
            public DeliveryListener[] listeners() {
                return listeners.getOrDefault(channel, Listeners.NONE);
            }

            @Override
            public void listeners(DeliveryListener[] list) {
                listeners.put(channel, list);
            }

            @Override
            public ListenerRemoval.@Nullable Subscription subscription() {
                StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber;
                return s == null ? null : new ListenerRemoval.Subscription(endpoint.describe(), s::isOpen,
                        () -> s.async().unsubscribe(channel(channel)), () -> s.async().ping());
            }
        }, listener);
    }

    @Override
    public void awaitDelivered(Duration timeout) throws InterruptedException {
        plumbing.intake.flush(timeout);
    }

    private boolean disconnected() {
        return !down.isEmpty();
    }

    private StatefulRedisPubSubConnection<byte[], byte[]> requireSubscriber() {
        StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber;
        if (s == null) {
            throw new IllegalStateException("the Redis transport is not started");
        }
        return s;
    }

    // ------------------------------------------------------------------ heartbeat and health

    private void heartbeat() {
        try {
            long now = System.nanoTime();
            long silentNanos = now - lastHeartbeatNanos;
            boolean late = plumbing.intake.late(lastHeartbeatNanos, now, options.heartbeatTimeout());
            if (late && !deaf) {
                deaf = true;
                log.warn("No heartbeat came back through {} for {} ms: the subscription may be deaf; resubscribing",
                        endpoint.describe(), TimeUnit.NANOSECONDS.toMillis(silentNanos));
            } else if (!late && deaf) {
                deaf = false;
                log.info("Heartbeat through {} is back: the subscription works again", endpoint.describe());
            }
            if (!disconnected()) {
                if (late) {
                    resubscribe(); // never queued while disconnected: Lettuce resubscribes on reconnect itself
                }
                if (late || plumbing.heartbeatsSent() % VERIFY_EVERY_HEARTBEATS == 0) {
                    verifySubscriptions(); // CLIENT LIST costs Redis O(clients): not every heartbeat
                }
            }
            plumbing.sendHeartbeat((redis, beat) -> redis.publish(channel(heartbeatChannel), beat));
        } catch (RuntimeException e) {
            log.debug("Heartbeat failed", e);
        }
    }

    /**
     * Asks Redis how many channels our subscriber connection is subscribed to ({@code CLIENT LIST},
     * field {@code sub}) and resubscribes when some are missing: a connection can come back from
     * a reconnect without all of them. Skipped where the ACL forbids CLIENT LIST, and for a
     * client passed in by the user (its connections carry no name of ours); the heartbeat still
     * covers the connection as a whole.
     */
    private void verifySubscriptions() {
        RedisConnection p = plumbing.commands();
        if (p == null || closed || disconnected() || clientListDenied || !endpoint.namesConnections()) {
            return;
        }
        int expected;
        subscribeLock.lock();
        try {
            expected = 1 + (int) listeners.values().stream().filter(l -> l.length > 0).count();
        } finally {
            subscribeLock.unlock();
        }
        String clients;
        try {
            clients = p.sync().clientList();
        } catch (RedisException e) {
            if (String.valueOf(e.getMessage()).contains("NOPERM")) {
                clientListDenied = true;
                log.info("CLIENT LIST is not allowed for this Redis user; subscriptions are verified by the heartbeat only");
            }
            return;
        }
        String marker = " name=" + subscriberName() + " ";
        for (String line : clients.split("\n")) {
            int at = line.indexOf(marker);
            if (at < 0) {
                continue;
            }
            int sub = line.indexOf(" sub=");
            if (sub < 0) {
                return;
            }
            int end = line.indexOf(' ', sub + 5);
            int actual = Integer.parseInt(line.substring(sub + 5, end < 0 ? line.length() : end).trim());
            if (actual < expected) {
                log.warn("Redis reports {} channel subscription(s) on our connection to {}, {} expected: resubscribing",
                        actual, endpoint.describe(), expected);
                resubscribe();
            }
            return;
        }
    }

    private void resubscribe() {
        StatefulRedisPubSubConnection<byte[], byte[]> s = subscriber;
        if (s == null || closed || !s.isOpen()) {
            return; // while it reconnects, Lettuce resubscribes it itself; a SUBSCRIBE queued meanwhile only races that
        }
        List<byte[]> all = new ArrayList<>();
        all.add(channel(heartbeatChannel));
        subscribeLock.lock();
        try {
            listeners.forEach((channel, list) -> {
                if (list.length > 0) {
                    all.add(channel(channel));
                }
            });
        } finally {
            subscribeLock.unlock();
        }
        resubscriptions.increment();
        s.async().subscribe(all.toArray(new byte[0][]));
    }

    @Override
    public PubSubHealth health() {
        long now = System.nanoTime();
        long silentNanos = now - lastHeartbeatNanos;
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(silentNanos);
        PubSubPlumbing.Intake intake = plumbing.intakeNow();
        boolean paused = intake.paused();
        boolean late = deaf || plumbing.intake.late(lastHeartbeatNanos, now, options.heartbeatTimeout());
        int buffered = intake.buffered();
        String detail;
        boolean up = false;
        if (closed) {
            detail = "closed";
        } else if (disconnected()) {
            detail = "disconnected from " + endpoint.describe() + "; reconnecting";
        } else if (!heardSinceReconnect) {
            detail = "reconnected to " + endpoint.describe() + "; waiting for the first heartbeat through the new subscription";
        } else if (paused) {
            up = true;
            detail = "connected to " + endpoint.describe() + "; reading paused while handlers catch up (" + buffered
                    + " events buffered; Redis holds what follows up to its client-output-buffer-limit pubsub)";
        } else if (late) {
            detail = "no heartbeat through " + endpoint.describe() + " for " + silentMillis + " ms: subscription deaf, resubscribing";
        } else {
            up = true;
            detail = "connected to " + endpoint.describe() + ", heartbeat " + silentMillis + " ms ago";
        }
        return plumbing.health(intake, up, detail, reconnects.sum(), resubscriptions.sum(), Duration.ofNanos(silentNanos), late,
                Map.of());
    }

    // ------------------------------------------------------------------ close

    @Override
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        plumbing.stop();
        closeConnections();
        endpoint.removeListener(connectionEvents);
        plumbing.release();
    }

    private void closeConnections() {
        if (subscriber != null) {
            subscriber.close();
        }
        plumbing.closeConnections();
    }

    @Override
    public String toString() {
        return "redis-pubsub " + endpoint.describe();
    }
}
