package dev.herald.redis.internal.streams;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the readers' reconnects, for {@code StreamsHealth.reconnects()}: a reader connection that
 * Lettuce made again after it was lost (one server), or one a reader opened to replace one that
 * closed or that it left (a node gone, a moved slot on a cluster, where node connections do not
 * reconnect by themselves). Each loss counts once. Listens to the endpoint's connection events,
 * of which it counts only the readers' connections. Thread-safe.
 */
final class ReaderConnections implements RedisConnectionStateListener {

    /** The connections readers read on now. */
    private final Set<Object> current = ConcurrentHashMap.newKeySet();
    /** Of those, the ones lost and not back yet. */
    private final Set<Object> lost = ConcurrentHashMap.newKeySet();
    private final LongAdder reconnects = new LongAdder();

    /**
     * A reader opened a connection.
     *
     * @param replaced whether it replaces one the reader had before (lost, or left on a cluster)
     */
    void opened(StatefulConnection<?, ?> connection, boolean replaced) {
        current.add(connection);
        if (replaced) {
            reconnects.increment();
        }
    }

    /** A reader is done with a connection: its events no longer count. */
    void closed(StatefulConnection<?, ?> connection) {
        current.remove(connection);
        lost.remove(connection);
    }

    long reconnects() {
        return reconnects.sum();
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (current.contains(connection)) {
            lost.add(connection);
        }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        if (lost.remove(connection)) {
            reconnects.increment();
        }
    }
}
