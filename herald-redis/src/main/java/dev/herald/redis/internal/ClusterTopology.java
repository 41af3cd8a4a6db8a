package dev.herald.redis.internal;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology of the Redis Cluster an endpoint talks to, as one of its cluster clients last
 * loaded it: which master owns a slot, the masters, a node by id; and the reloads Herald asks
 * for, at most one every 250 ms after a redirection, a node that went away
 * or a subscription the server ended, or at once when a caller must see the topology after
 * something it saw happen. Reached through {@link RedisEndpoint#topology()} (the client of
 * commands, subscriptions and reads) and {@link RedisEndpoint#writesTopology()} (the client of
 * publishes and dead letters); on one server {@link #topologyMayHaveChanged()} does nothing and
 * the other questions fail. Thread-safe.
 */
public final class ClusterTopology {

    private static final Logger log = LoggerFactory.getLogger(ClusterTopology.class);

    /** At most one topology refresh Herald asks for in this time. */
    static final long REFRESH_AT_MOST_EVERY_MILLIS = 250;
    private static final long REFRESH_AT_MOST_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(REFRESH_AT_MOST_EVERY_MILLIS);

    /** The cluster client whose topology this is, as it is now; null on one server. */
    private final Supplier<@Nullable RedisClusterClient> cluster;
    /** The endpoint's description, for messages. */
    private final Supplier<String> describe;
    /** Whether the endpoint shut its client down: no reload is asked for then. */
    private final BooleanSupplier shutDown;
    private final AtomicLong lastRefreshNanos = new AtomicLong(System.nanoTime() - REFRESH_AT_MOST_EVERY_NANOS);
    /** The reload {@link #refreshTopology()} started last. */
    private final AtomicReference<@Nullable CompletableFuture<Void>> refreshing = new AtomicReference<>();

    /** @param cluster the cluster client, as it is now; null on one server */
    ClusterTopology(Supplier<@Nullable RedisClusterClient> cluster, Supplier<String> describe, BooleanSupplier shutDown) {
        this.cluster = cluster;
        this.describe = describe;
        this.shutDown = shutDown;
    }

    /** The master that owns a key's slot, as the client last saw the topology (no I/O once loaded). */
    public RedisClusterNode masterOf(byte[] key) {
        return masterOfSlot(SlotHash.getSlot(key));
    }

    /** The master that owns a slot, as the client last saw the topology. */
    public RedisClusterNode masterOfSlot(int slot) {
        RedisClusterNode owner = requireCluster().getPartitions().getMasterBySlot(slot);
        if (owner == null) {
            throw new RedisConnectionException("no master of slot " + slot + " is known in " + describe.get());
        }
        return owner;
    }

    /** A node by its id, as the client last saw the topology; null if it is not there. */
    public @Nullable RedisClusterNode node(String nodeId) {
        return requireCluster().getPartitions().getPartitionByNodeId(nodeId);
    }

    /** The masters, as the client last saw the topology. */
    public List<RedisClusterNode> masters() {
        List<RedisClusterNode> masters = new ArrayList<>();
        for (RedisClusterNode node : requireCluster().getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                    && !node.getSlots().isEmpty()) {
                masters.add(node);
            }
        }
        return masters;
    }

    /** How many replicas of a master the topology knows, not flagged {@code FAIL}. */
    public long replicasOf(RedisClusterNode master) {
        long replicas = 0;
        for (RedisClusterNode node : requireCluster().getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.REPLICA) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                    && master.getNodeId().equals(node.getSlaveOf())) {
                replicas++;
            }
        }
        return replicas;
    }

    /**
     * Asks the client to reload the topology, in the background, at most once every
     * 250 ms: after a redirection, a node that went away or a
     * subscription the server ended. Nothing on one server.
     */
    public void topologyMayHaveChanged() {
        RedisClusterClient c = cluster.get();
        long now = System.nanoTime();
        long last = lastRefreshNanos.get();
        if (c != null && !shutDown.getAsBoolean() && now - last >= REFRESH_AT_MOST_EVERY_NANOS
                && lastRefreshNanos.compareAndSet(last, now)) {
            c.refreshPartitionsAsync().exceptionally(e -> {
                log.debug("Reloading the topology of {} failed: {}", describe.get(), RedisEndpoint.rootMessage(e));
                return null;
            });
        }
    }

    /**
     * Reloads the topology now, sharing a reload in progress; completes when it is loaded, or
     * fails with why not. For callers that must see the topology after something they saw
     * happen, which the rate-limited {@link #topologyMayHaveChanged()} does not promise.
     */
    public CompletableFuture<Void> refreshTopology() {
        CompletableFuture<Void> running = refreshing.get();
        if (running != null && !running.isDone()) {
            return running;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!refreshing.compareAndSet(running, mine)) {
            return refreshTopology();
        }
        lastRefreshNanos.set(System.nanoTime());
        requireCluster().refreshPartitionsAsync().whenComplete((loaded, failure) -> {
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else {
                mine.complete(null);
            }
        });
        return mine;
    }

    /**
     * The cluster client.
     *
     * @throws IllegalStateException on one server
     */
    RedisClusterClient requireCluster() {
        RedisClusterClient c = cluster.get();
        if (c == null) {
            throw new IllegalStateException("not a Redis Cluster: " + describe.get());
        }
        return c;
    }
}
