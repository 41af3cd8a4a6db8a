package dev.herald.redis.internal;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;

/**
 * A command connection to one Redis server or to a Redis Cluster, with the commands both have
 * ({@link RedisClusterAsyncCommands}, which Lettuce's single-server commands extend): on a
 * cluster, Lettuce routes each keyed command to the master of its key's slot and follows
 * {@code MOVED} and {@code ASK} redirections. Thread-safe, as Lettuce's connections are.
 */
public final class RedisConnection implements AutoCloseable {

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

    /** The Lettuce connection, to tell it from others in connection events. */
    public StatefulConnection<byte[], byte[]> stateful() {
        return stateful;
    }

    /** How long a synchronous command waits for its answer. */
    public Duration getTimeout() {
        return stateful.getTimeout();
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
