package dev.herald.redis.internal;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command connection to one Redis server or to a Redis Cluster, with the commands both have
 * ({@link RedisClusterAsyncCommands}, which Lettuce's single-server commands extend): on a
 * cluster, Lettuce routes each keyed command to the master of its key's slot and follows
 * {@code MOVED} and {@code ASK} redirections. Thread-safe, as Lettuce's connections are.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

    private final StatefulConnection<byte[], byte[]> stateful;
    private final RedisClusterAsyncCommands<byte[], byte[]> async;
    private final RedisClusterCommands<byte[], byte[]> sync;

    private RedisConnection(StatefulConnection<byte[], byte[]> stateful, RedisClusterAsyncCommands<byte[], byte[]> async,
            RedisClusterCommands<byte[], byte[]> sync) {
        this.stateful = stateful;
        this.async = async;
        this.sync = sync;
    }

    public static RedisConnection of(StatefulRedisConnection<byte[], byte[]> connection) {
        return new RedisConnection(connection, connection.async(), connection.sync());
    }

    public static RedisConnection of(StatefulRedisClusterConnection<byte[], byte[]> connection) {
        return new RedisConnection(connection, connection.async(), connection.sync());
    }

    public RedisClusterAsyncCommands<byte[], byte[]> async() {
        return async;
    }

    public RedisClusterCommands<byte[], byte[]> sync() {
        return sync;
    }

    /**
     * On a cluster: opens this connection's connection to every master now, without waiting (a
     * master that cannot be reached is left to the first command). Lettuce opens a master's
     * connection on the first command for it, and writes the commands that came meanwhile in
     * reverse order; opened before, they keep theirs. Nothing on one server.
     */
    public void connectToMasters() {
        opening();
    }

    /**
     * As {@link #connectToMasters()}, and waits for those connections, at most {@code within}
     * (a master that accepts connections and does not answer would hold the caller for the
     * client's connect timeout): what is not open by then is left to the first command.
     */
    public void connectToMasters(Duration within) {
        List<CompletableFuture<?>> opening = opening();
        long end = System.nanoTime() + within.toNanos();
        try {
            BoundedWait.get(CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)), end);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Not every master's connection opened within {} ms: {}; left to the first command for it",
                    within.toMillis(), RedisEndpoint.rootMessage(e));
        }
    }

    private List<CompletableFuture<?>> opening() {
        List<CompletableFuture<?>> opening = new ArrayList<>();
        if (stateful instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster) {
            for (RedisClusterNode node : cluster.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                        && !node.getSlots().isEmpty()) {
                    // by address, as Lettuce keys the connections it routes a slot's commands to
                    opening.add(cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
                }
            }
        }
        return opening;
    }

    /**
     * The connection to one node, for keyless commands that must reach that node ({@code CLIENT
     * UNBLOCK} of a client connected there, {@code WAIT} after writes sent there): on a cluster,
     * the connection to it that Lettuce's routing uses for its slots (so a {@code WAIT} follows the
     * writes routed there), connected if need be without blocking; on one server, this connection
     * itself. Never to be closed by the caller: it belongs to this connection.
     *
     * @param node the node, as the cluster's topology names it; ignored on one server
     * @return the connection, or a failed future if the node is not (or no longer) one of the cluster's
     */
    public CompletableFuture<StatefulRedisConnection<byte[], byte[]>> nodeConnection(@Nullable RedisURI node) {
        if (stateful instanceof StatefulRedisConnection<byte[], byte[]> server) {
            return CompletableFuture.completedFuture(server);
        }
        if (stateful instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster && node != null) {
            try {
                return cluster.getConnectionAsync(node.getHost(), node.getPort());
            } catch (RedisException e) { // a node the topology does not know
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException("a node of the cluster is needed"));
    }

    /** The Lettuce connection, to tell it from others in connection events. */
    public StatefulConnection<byte[], byte[]> stateful() {
        return stateful;
    }

    /** How long a synchronous command waits for its answer. */
    public Duration getTimeout() {
        return stateful.getTimeout();
    }

    /** Sets how long a synchronous command waits for its answer. */
    public void setTimeout(Duration timeout) {
        stateful.setTimeout(timeout);
    }

    /** False while Lettuce reconnects, and once closed. */
    public boolean isOpen() {
        return stateful.isOpen();
    }

    public void setAutoFlushCommands(boolean autoFlush) {
        stateful.setAutoFlushCommands(autoFlush);
    }

    public void flushCommands() {
        stateful.flushCommands();
    }

    public void closeAsync() {
        stateful.closeAsync();
    }

    @Override
    public void close() {
        stateful.close();
    }
}
