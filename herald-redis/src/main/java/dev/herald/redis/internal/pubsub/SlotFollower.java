package dev.herald.redis.internal.pubsub;

import dev.herald.redis.internal.ClusterTopology;
import dev.herald.redis.internal.RedisEndpoint;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import reactor.core.Disposable;

/**
 * Keeps each shard channel of a {@link ShardedPubSubTransport} subscribed at the master that
 * serves its slot, which Lettuce does not do (lettuce#3213). Subscribes a new channel there,
 * trying again within the publish timeout. When asked ({@link #follow()}: Redis ended a
 * subscription, a connection closed, a heartbeat is late) and on each topology change, it
 * subscribes, on a thread of its own, every channel that is not subscribed at the master its
 * slot has now (as the client last loaded the topology) or whose heartbeat is late, before it
 * unsubscribes it where it was; then closes the connections left with no channel. While a
 * channel is not in place it asks for a topology refresh and tries again, with backoff. Counts
 * the channels it subscribed again.
 *
 * <p>Works on the transport's channels and connections under the channels' lock
 * ({@link ShardChannels}): it takes the lock on its thread; {@link #subscribeNew} expects the
 * caller to hold it. Thread-safe.
 */
final class SlotFollower {

    /** The first wait before subscribing again after a failed attempt; it doubles up to {@link #RETRY_AT_MOST}. */
    private static final Duration RETRY_FIRST = Duration.ofMillis(50);
    private static final Duration RETRY_AT_MOST = Duration.ofMillis(500);
    /** How long stop() waits at most for a subscription in progress to give up. */
    private static final Duration STOP_WAITS_AT_MOST = Duration.ofSeconds(2);

    private final ClusterTopology topology;
    private final PubSubOptions options;
    /** The transport's channels; their lock is held while they are placed. */
    private final ShardChannels channels;
    private final ShardConnections nodes;
    private final BooleanSupplier closed;
    /** Publishes a channel's heartbeat: once it is placed, that shortens the time it is down. */
    private final Consumer<ShardChannel> heartbeat;
    /** The transport's, for what it says through this. */
    private final Logger log;
    /** Subscribes channels at their masters on a thread of its own, which waits for Redis under the channels' lock. */
    private final Retrying following;
    private final LongAdder resubscribed = new LongAdder();
    private volatile @Nullable Disposable topologyChanges;

    /**
     * @param channels the transport's channels, with the lock over them and the connections
     * @param closed whether the transport is closed
     * @param heartbeat publishes a channel's heartbeat
     */
    SlotFollower(RedisEndpoint endpoint, PubSubOptions options, ShardChannels channels,
            ShardConnections nodes, BooleanSupplier closed, Consumer<ShardChannel> heartbeat, Logger log) {
        this.topology = endpoint.topology();
        this.options = options;
        this.channels = channels;
        this.nodes = nodes;
        this.closed = closed;
        this.heartbeat = heartbeat;
        this.log = log;
        this.following = new Retrying(RedisEndpoint.scheduler(options.threadFactory(), "herald-shards-" + options.instanceId()),
                this::followSlots, topology::topologyMayHaveChanged, RETRY_FIRST, RETRY_AT_MOST);
    }

    /** Follows each new topology (from Lettuce's refreshes or ours) at once. */
    void start(ClientResources resources) {
        topologyChanges = resources.eventBus().get().filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(changed -> following.request(Duration.ZERO));
    }

    /** Asks for a topology refresh and a pass of {@link #followSlots()} soon. */
    void follow() {
        topology.topologyMayHaveChanged();
        following.request(RETRY_FIRST);
    }

    /** How many times a channel was subscribed at another master, or again where it was deaf. */
    long resubscribed() {
        return resubscribed.sum();
    }

    /**
     * A confirmation that comes after its wait gave up: the subscription is ended again if the
     * channel is no longer taken from that node (cancelled, or placed elsewhere meanwhile), so
     * that no orphan subscription keeps pushing messages nobody reads.
     */
    private void leaveNoOrphan(ShardChannel c, NodeSubscriber node, CompletableFuture<Void> confirmed) {
        confirmed.thenRun(() -> {
            if (c.at() != node || !channels.contains(c)) {
                node.unsubscribeQuietly(c);
            }
        });
    }

    /**
     * Under the lock: subscribes a new channel at its master and returns once Redis confirmed
     * it, trying again within the publish timeout.
     *
     * @throws RedisException if it could not
     */
    void subscribeNew(ShardChannel c) {
        long deadline = System.nanoTime() + options.publishTimeout().toNanos();
        while (true) {
            RuntimeException failure;
            try {
                NodeSubscriber node = nodes.to(topology.masterOfSlot(c.slot), shorter(nodeWait(), remaining(deadline)));
                c.subscribingAt(node);
                CompletableFuture<Void> confirmed = node.subscribe(c);
                if (node.await(confirmed, remaining(deadline))) {
                    return;
                }
                leaveNoOrphan(c, node, confirmed);
                failure = new RedisException("no confirmation of SSUBSCRIBE " + c + " from " + node);
            } catch (ExecutionException e) {
                failure = new RedisException(RedisEndpoint.rootMessage(causeOf(e)), causeOf(e));
            } catch (RedisException e) {
                failure = e;
            }
            if (closed.getAsBoolean() || System.nanoTime() - deadline > 0) {
                throw failure;
            }
            topology.topologyMayHaveChanged();
            try {
                TimeUnit.NANOSECONDS.sleep(shorter(RETRY_AT_MOST, remaining(deadline)).toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
            }
        }
    }

    private static Throwable causeOf(ExecutionException e) {
        Throwable cause = e.getCause();
        return cause != null ? cause : e;
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    /** How long connecting to a master, or its confirmation, is waited for under the lock. */
    private Duration nodeWait() {
        return shorter(options.heartbeatTimeout(), options.publishTimeout());
    }

    /**
     * On the following thread: subscribes every channel that is not subscribed at the master its
     * slot has now (as the client last loaded the topology), or whose heartbeat is late;
     * unsubscribes it where it was; closes connections left with no channel.
     *
     * @return whether every channel is in place; if not, it runs again after a topology refresh
     */
    private boolean followSlots() {
        if (closed.getAsBoolean()) {
            return true;
        }
        channels.lock().lock();
        try {
            return placeChannels();
        } catch (RuntimeException e) {
            log.warn("Subscribing the shard channels at their masters failed; trying again", e);
            return false;
        } finally {
            channels.lock().unlock();
        }
    }

    /** A channel being subscribed at {@code node}; {@code again} where it is subscribed already but deaf. */
    private record Placing(ShardChannel channel, NodeSubscriber node, @Nullable NodeSubscriber before, boolean again,
            CompletableFuture<Void> confirmed) {
    }

    /** Under the lock. Whether every channel is subscribed at its master now. */
    private boolean placeChannels() {
        nodes.forgetClosed();
        boolean settled = true;
        List<Placing> placing = new ArrayList<>();
        for (ShardChannel c : channels.all()) {
            if (!c.wanted()) {
                continue;
            }
            NodeSubscriber at = c.at();
            try {
                RedisClusterNode master = topology.masterOfSlot(c.slot);
                if (at != null && at.isOpen() && at.serves(master) && !c.resubscribeWanted()) {
                    continue;
                }
                NodeSubscriber node = nodes.to(master, nodeWait());
                boolean again = c.resubscribeWanted() && at == node;
                c.subscribingAt(node);
                c.resubscribe(false);
                placing.add(new Placing(c, node, at, again, node.subscribe(c)));
            } catch (RedisException e) {
                log.debug("Cannot subscribe {} at its master (slot {}) yet: {}", c, c.slot, RedisEndpoint.rootMessage(e));
                settled = false;
            }
        }
        Duration wait = nodeWait();
        for (Placing p : placing) {
            try {
                if (!p.node().await(p.confirmed(), wait)) {
                    leaveNoOrphan(p.channel(), p.node(), p.confirmed());
                    settled = false;
                    continue;
                }
            } catch (ExecutionException e) {
                log.debug("{} refused SSUBSCRIBE {}: {}", p.node(), p.channel(), RedisEndpoint.rootMessage(causeOf(e)));
                settled = false;
                continue;
            }
            NodeSubscriber before = p.before();
            if (before != p.node() || p.again()) {
                resubscribed.increment();
                log.info("Subscribed to {} {}at {}{}; healthy again once a heartbeat comes through", p.channel(),
                        p.again() ? "again " : "", p.node(), before != null && before != p.node() ? " (was at " + before + ")" : "");
                if (before != null && before != p.node() && before.isOpen()) {
                    before.unsubscribeQuietly(p.channel()); // its messages are no longer taken from there anyway
                }
            }
            heartbeat.accept(p.channel()); // shortens the time down
        }
        nodes.closeUnused(channels::anyAt);
        if (settled) {
            for (ShardChannel c : channels.all()) {
                settled &= !c.wanted() || c.at() != null;
            }
        }
        return settled;
    }

    /** Whether the topology last seen has {@code node} serve the channel's slot; no I/O. */
    boolean servesSlot(NodeSubscriber node, ShardChannel c) {
        try {
            return node.serves(topology.masterOfSlot(c.slot));
        } catch (RedisException e) { // no master known for the slot
            return false;
        }
    }

    /** Follows no more: waits up to {@code timeout} (at most 2 s) for a subscription in progress to give up. */
    void stop(Duration timeout) {
        Disposable changes = topologyChanges;
        if (changes != null) {
            changes.dispose();
        }
        following.stop(shorter(timeout, STOP_WAITS_AT_MOST));
    }
}
