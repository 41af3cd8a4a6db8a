package dev.herald.redis.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * On a Redis Cluster, the client of Herald's plain connections to one node (a sharded
 * subscription, a blocking stream read), which do not reconnect by themselves: made when first
 * needed on the cluster client's resources and options, without reconnects; carrying the
 * endpoint's connection listeners; never made again once shut down. Thread-safe.
 */
final class NodeClient {

    private final ClusterTopology topology;
    /** Herald's own cluster client: the nodes it was given, whose credentials, TLS and timeout node connections take. */
    private final List<RedisURI> seeds;
    private final Supplier<String> describe;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private @Nullable RedisClient client;
    /** Whether {@link #client} was shut down: none is made again. Guarded by {@link #lock}. */
    private boolean shutDown;
    /** The connection listeners added, for the client when it is made. Guarded by {@link #lock}. */
    private final List<RedisConnectionStateListener> listeners = new ArrayList<>();

    /**
     * @param topology the cluster client's, which gives the client's resources and options
     * @param seeds the cluster URI's nodes, or none for a user's client
     * @param describe the endpoint for messages
     */
    NodeClient(ClusterTopology topology, List<RedisURI> seeds, Supplier<String> describe) {
        this.topology = topology;
        this.seeds = List.copyOf(seeds);
        this.describe = describe;
    }

    /** Listens to every node connection, also of those made later. */
    void addListener(RedisConnectionStateListener listener) {
        lock.lock();
        try {
            listeners.add(listener);
            if (client != null) {
                client.addListener(listener);
            }
        } finally {
            lock.unlock();
        }
    }

    void removeListener(RedisConnectionStateListener listener) {
        lock.lock();
        try {
            listeners.remove(listener);
            if (client != null) {
                client.removeListener(listener);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A plain connection to one node. */
    StatefulRedisConnection<byte[], byte[]> connect(RedisClusterNode node) {
        return client().connect(ByteArrayCodec.INSTANCE, uriOf(node));
    }

    /** A plain connection to one node, made within {@code within} ({@link RedisEndpoint#connectToNode(RedisClusterNode, Duration)}). */
    StatefulRedisConnection<byte[], byte[]> connect(RedisClusterNode node, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        return madeWithin(client().connectAsync(ByteArrayCodec.INSTANCE, uriOf(node)).toCompletableFuture(), node, within, end);
    }

    /** A plain Pub/Sub connection to one node, named, made within {@code within}. */
    StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub(RedisClusterNode node, String clientName, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        RedisURI named = uriOf(node);
        named.setClientName(clientName);
        return madeWithin(client().connectPubSubAsync(ByteArrayCodec.INSTANCE, named).toCompletableFuture(), node, within, end);
    }

    /** The client, or null if none was made or it was shut down (for tests in this package). */
    @Nullable RedisClient ifMade() {
        lock.lock();
        try {
            return client;
        } finally {
            lock.unlock();
        }
    }

    /** Shuts the client down, if made, leaving the resources it shares running; none is made again. */
    void shutdown() {
        RedisClient made;
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

    /**
     * The client: the cluster client's resources and options, without reconnects.
     *
     * @throws IllegalStateException if it was shut down: a client made now would be shut down by nothing
     */
    private RedisClient client() {
        RedisClusterClient c = topology.requireCluster();
        lock.lock();
        try {
            if (shutDown) {
                throw RedisEndpoint.shutDownError(describe.get());
            }
            RedisClient made = client;
            if (made == null) {
                made = RedisClient.create(c.getResources());
                made.setOptions(c.getOptions().mutate().autoReconnect(false).build());
                listeners.forEach(made::addListener);
                client = made;
            }
            return made;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A node's URI for a plain connection of Herald's own, with the credentials, TLS and timeout of
     * the cluster URI when the bus was built from one: the topology's node URIs do not always carry
     * them. For a user's client, a copy of the topology's URI.
     */
    private RedisURI uriOf(RedisClusterNode node) {
        RedisURI nodeUri = RedisURI.builder(node.getUri()).build();
        if (!seeds.isEmpty()) {
            RedisURI seed = seeds.get(0);
            nodeUri.applyAuthentication(seed);
            nodeUri.applySsl(seed);
            nodeUri.setTimeout(seed.getTimeout());
        }
        return nodeUri;
    }

    /** Waits for a node connection until {@code endNanos}; one that comes later is closed when it comes. */
    private static <C extends StatefulConnection<?, ?>> C madeWithin(CompletableFuture<C> connecting, RedisClusterNode node,
            Duration within, long endNanos) {
        try {
            return BoundedWait.get(connecting, endNanos);
        } catch (TimeoutException e) {
            connecting.thenAccept(StatefulConnection::close);
            throw new RedisConnectionException("no connection to " + node.getUri().getHost() + ":" + node.getUri().getPort()
                    + " within " + within.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RedisException re ? re : new RedisConnectionException(String.valueOf(cause), cause);
        }
    }
}
