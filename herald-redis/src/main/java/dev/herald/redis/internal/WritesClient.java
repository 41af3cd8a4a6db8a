package dev.herald.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * On a Redis Cluster, the client of publishes and dead letters: a second cluster client on the
 * cluster client's resources and options, but with
 * {@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS} (see {@link RedisEndpoint} for why);
 * made when first needed, never again once shut down, and with a topology of its own that
 * publishes route by. Thread-safe; the client is read without a lock, as every keyed publish
 * attempt reads it through {@link #topology()}.
 */
final class WritesClient {

    private final ClusterTopology clusterTopology;
    /** Herald's own cluster client: the nodes it was given. */
    private final List<RedisURI> seeds;
    private final Supplier<String> describe;
    private final ReentrantLock lock = new ReentrantLock();
    /** Written under {@link #lock}, read without it. */
    private volatile @Nullable RedisClusterClient client;
    /** Whether {@link #client} was shut down: none is made again. Guarded by {@link #lock}. */
    private boolean shutDown;
    private final ClusterTopology topology;

    /**
     * @param cluster the cluster client, or null on one server
     * @param clusterTopology the cluster client's topology
     * @param seeds the cluster URI's nodes, or none for a user's client
     * @param describe the endpoint for messages
     * @param endpointShutDown whether the endpoint was shut down
     */
    WritesClient(@Nullable RedisClusterClient cluster, ClusterTopology clusterTopology, List<RedisURI> seeds,
            Supplier<String> describe, BooleanSupplier endpointShutDown) {
        this.clusterTopology = clusterTopology;
        this.seeds = List.copyOf(seeds);
        this.describe = describe;
        this.topology = new ClusterTopology(() -> {
            RedisClusterClient writes = client;
            return writes != null ? writes : cluster;
        }, describe, endpointShutDown);
    }

    /** The topology the client's connections route by, as it last loaded it (until it is made, the cluster client's). */
    ClusterTopology topology() {
        return topology;
    }

    /**
     * A command connection of the client.
     *
     * @throws IllegalStateException if it was shut down
     */
    RedisConnection connect() {
        RedisClusterClient writes = get();
        if (writes == null) {
            throw RedisEndpoint.shutDownError(describe.get());
        }
        return RedisConnection.of(writes.connect(ByteArrayCodec.INSTANCE));
    }

    /**
     * The client, made on the first call on the cluster client's resources and options, with
     * commands rejected while disconnected; its seeds are the URI's nodes, or, for a user's client,
     * copies of the node URIs of that client's topology, which carry no credentials
     * ({@link RedisEndpoint#cannotConnect}). Null once shut down.
     */
    @Nullable RedisClusterClient get() {
        RedisClusterClient c = clusterTopology.requireCluster();
        RedisClusterClient made = client;
        if (made != null) {
            return made;
        }
        lock.lock();
        try {
            if (client == null && !shutDown) {
                List<RedisURI> nodes = new ArrayList<>(seeds);
                if (nodes.isEmpty()) { // copies: the user's client's RedisURIs are mutable, and stay its own
                    c.getPartitions().forEach(node -> nodes.add(RedisURI.builder(node.getUri()).build()));
                }
                RedisClusterClient writes = RedisClusterClient.create(c.getResources(), nodes);
                writes.setOptions(rejectingWhileDisconnected(c.getOptions()));
                client = writes;
            }
            return client;
        } finally {
            lock.unlock();
        }
    }

    /** Shuts the client down, if made, leaving the resources it shares running; none is made again. */
    void shutdown() {
        RedisClusterClient made;
        lock.lock();
        try {
            made = client;
            client = null;
            shutDown = true;
        } finally {
            lock.unlock();
        }
        if (made != null) {
            made.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** A cluster client's options, with commands for a node that is not connected rejected. */
    static ClusterClientOptions rejectingWhileDisconnected(ClientOptions options) {
        ClusterClientOptions.Builder builder = options instanceof ClusterClientOptions cluster ? cluster.mutate()
                : ClusterClientOptions.builder(options);
        return builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build();
    }
}
