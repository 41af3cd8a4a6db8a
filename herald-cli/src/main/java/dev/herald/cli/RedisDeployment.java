package dev.herald.cli;

import dev.herald.redis.RedisTarget;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The Redis of a deployment, for a command's work without a bus: one server, or a Redis Cluster
 * for a {@code redis-cluster://} or {@code rediss-cluster://} URI, as {@link RedisTarget} reads
 * them, through a Lettuce client of the command's own that {@link #close()} shuts
 * down. On a cluster, commands on a key or a channel go to the master of its slot, and Pub/Sub is
 * sharded, as Herald's buses use it there: {@code SPUBLISH} and {@code SSUBSCRIBE}. Thread-safe,
 * as Lettuce's clients are.
 */
final class RedisDeployment implements AutoCloseable {

    /** How often a cluster client reloads the topology, besides when a redirection or a lost node says to. */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(2);

    private final AbstractRedisClient client;
    private final RedisTarget target;

    private RedisDeployment(AbstractRedisClient client, RedisTarget target) {
        this.client = client;
        this.target = target;
    }

    /**
     * A client for the target; no connection is made yet. A connection may take the target's own
     * {@code timeout} to be made, else {@code connectTimeout}; its handshake and each answer wait
     * the target's timeout (Lettuce's default without one).
     *
     * @param connectTimeout how long a connection may take to be made when the target sets no timeout
     */
    static RedisDeployment of(RedisTarget target, Duration connectTimeout) {
        SocketOptions socket = SocketOptions.builder().connectTimeout(target.timeout().orElse(connectTimeout)).build();
        if (target.isCluster()) {
            RedisClusterClient cluster = RedisClusterClient.create(target.nodes());
            // a redirection or a node gone reloads the topology at once, a failover within 2 s
            cluster.setOptions(ClusterClientOptions.builder().socketOptions(socket)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                    .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(TOPOLOGY_REFRESH).build()).build());
            return new RedisDeployment(cluster, target);
        }
        RedisClient client = RedisClient.create(target.nodes().get(0));
        client.setOptions(ClientOptions.builder().socketOptions(socket).build());
        return new RedisDeployment(client, target);
    }

    /** How long the client waits for a connection to be made (for tests in this package). */
    Duration connectTimeout() {
        return client.getOptions().getSocketOptions().getConnectTimeout();
    }

    /** Whether this is a Redis Cluster. */
    boolean isCluster() {
        return client instanceof RedisClusterClient;
    }

    /** A command connection and its commands, which one server and a cluster share; closes the connection. */
    record Connection(StatefulConnection<byte[], byte[]> stateful, RedisClusterCommands<byte[], byte[]> sync)
            implements AutoCloseable {

        @Override
        public void close() {
            stateful.close();
        }
    }

    /** A command connection: to the server, or to the cluster, each keyed command routed to its slot's master. */
    Connection connect() {
        if (client instanceof RedisClusterClient cluster) {
            StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
            return new Connection(c, c.sync());
        }
        StatefulRedisConnection<byte[], byte[]> c = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
        try {
            refuseClusterNode(c.sync().info("cluster"));
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return new Connection(c, c.sync());
    }

    /**
     * Refuses a one-server URI that reaches a node of a Redis Cluster: there, Herald's channels
     * are shard channels and each key lives on its slot's master, so a command through that node
     * alone would miss the buses' subscribers (a replayed dead letter deleted though nobody got
     * it) or meet {@code MOVED}.
     *
     * @param clusterInfo the node's {@code INFO cluster}
     */
    private void refuseClusterNode(@Nullable String clusterInfo) {
        if (RedisTarget.isClusterNode(clusterInfo)) {
            throw new IllegalArgumentException("'" + target + "' is a node of a Redis Cluster: "
                    + "use --redis redis-cluster://host:port[,host:port...] (any reachable node will do)");
        }
    }

    /**
     * Publishes a message on a channel as a Herald bus in Pub/Sub mode does: {@code PUBLISH}, or
     * on a cluster {@code SPUBLISH} (to the channel's shard).
     *
     * @return how many subscribed connections received it (on a cluster, those of the channel's shard)
     */
    long publish(Connection connection, String channel, byte[] message) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        return isCluster() ? connection.sync().spublish(name, message) : connection.sync().publish(name, message);
    }

    /** Listening to channels, until closed. */
    interface Listening extends AutoCloseable {
        /**
         * Whether a subscription's connection is open now: false while Lettuce reconnects to a
         * server that went away (on a cluster: to every master that held a subscription).
         */
        boolean connected();

        /** Ends the subscriptions and closes their connection. */
        @Override
        void close();
    }

    /**
     * Subscribes a connection of its own to channels, as a Herald bus in Pub/Sub mode listens:
     * {@code SUBSCRIBE}, or on a cluster {@code SSUBSCRIBE} of each channel at the master of its
     * slot, following the slot to another master ({@link ShardChannels}). Returns once Redis
     * confirmed every subscription.
     *
     * @param onMessage called with the channel and the message, on Lettuce's thread, one message at a time
     */
    Listening listen(Collection<String> channels, BiConsumer<String, byte[]> onMessage) {
        if (client instanceof RedisClusterClient cluster) {
            return new ShardChannels(cluster, Set.copyOf(channels), onMessage);
        }
        StatefulRedisPubSubConnection<byte[], byte[]> connection = ((RedisClient) client).connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                onMessage.accept(new String(channel, StandardCharsets.UTF_8), message);
            }
        });
        try {
            refuseClusterNode(connection.sync().info("cluster"));
            connection.sync().subscribe(channels.stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        return new Listening() {
            @Override
            public boolean connected() {
                return connection.isOpen();
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    /** Shuts the client down, its connections with it, without waiting for a quiet period. */
    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
