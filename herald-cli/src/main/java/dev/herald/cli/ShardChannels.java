package dev.herald.cli;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * Shard channels of a Redis Cluster listened to as a watcher ({@code herald tail}): each channel
 * is subscribed ({@code SSUBSCRIBE}) through Lettuce's cluster Pub/Sub connection, which sends it
 * to the master of the channel's slot, and kept there, which Lettuce does not do by itself
 * (lettuce#3213):
 * <ul>
 *   <li>when a master ends a subscription ({@code sunsubscribe}: resharding moved the slot), the
 *       channel is subscribed again, where the topology that the redirection reloaded says;
 *   <li>when the topology changes so that another master serves the slot (a failover), the
 *       channel is subscribed at that master, and unsubscribed at the former one, so that it does
 *       not deliver the channel a second time once it is back as a replica.
 * </ul>
 * Events published while a channel moves are not seen. Thread-safe.
 */
final class ShardChannels implements RedisDeployment.Listening {

    private final StatefulRedisClusterPubSubConnection<byte[], byte[]> connection;
    private final Set<String> wanted;
    /** Each wanted channel's node (host:port) as its last {@code ssubscribe} confirmation said. */
    private final Map<String, String> subscribedAt = new ConcurrentHashMap<>();
    private final Disposable topologyChanges;

    /** Subscribes every channel; returns once each subscription is confirmed. */
    ShardChannels(RedisClusterClient cluster, Set<String> channels, BiConsumer<String, byte[]> onMessage) {
        this.wanted = Set.copyOf(channels);
        this.connection = cluster.connectPubSub(ByteArrayCodec.INSTANCE);
        connection.addListener(new RedisClusterPubSubAdapter<>() {
            @Override
            public void smessage(RedisClusterNode node, byte[] channel, byte[] message) {
                onMessage.accept(text(channel), message);
            }

            @Override
            public void ssubscribed(RedisClusterNode node, byte[] channel, long count) {
                subscribedAt.put(text(channel), address(node));
            }

            @Override
            public void sunsubscribed(RedisClusterNode node, byte[] channel, long count) {
                String name = text(channel);
                // the server's doing (the slot moved), unless it comes from a node the channel left
                if (wanted.contains(name) && subscribedAt.remove(name, address(node)) && connection.isOpen()) {
                    connection.async().ssubscribe(channel);
                }
            }
        });
        this.topologyChanges = cluster.getResources().eventBus().get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(e -> follow(((ClusterTopologyChangedEvent) e).after()));
        try {
            for (String channel : wanted) { // one command per channel: each may hash to another master
                connection.sync().ssubscribe(bytes(channel));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Moves each channel whose slot another master serves now to that master. */
    private void follow(List<RedisClusterNode> topology) {
        for (String channel : wanted) {
            RedisClusterNode owner = masterOf(topology, SlotHash.getSlot(bytes(channel)));
            String at = subscribedAt.get(channel);
            if (owner == null || at == null || at.equals(address(owner)) || !connection.isOpen()) {
                continue; // no master known yet, a subscription under way, or where it should be
            }
            subscribedAt.remove(channel, at);
            String[] former = at.split(":");
            connection.getConnectionAsync(former[0], Integer.parseInt(former[1]))
                    .thenAccept(c -> c.async().sunsubscribe(bytes(channel))); // sent when it is back, if ever
            connection.getConnectionAsync(owner.getUri().getHost(), owner.getUri().getPort())
                    .thenAccept(c -> c.async().ssubscribe(bytes(channel)));
        }
    }

    private static @Nullable RedisClusterNode masterOf(List<RedisClusterNode> topology, int slot) {
        for (RedisClusterNode node : topology) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL) && node.hasSlot(slot)) {
                return node;
            }
        }
        return null;
    }

    private static String address(RedisClusterNode node) {
        return Objects.requireNonNull(node.getUri(), "uri").getHost() + ":" + node.getUri().getPort();
    }

    private static String text(byte[] channel) {
        return new String(channel, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String channel) {
        return channel.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the connection to a master that holds one of the subscriptions is open. */
    @Override
    public boolean connected() {
        for (String at : Set.copyOf(subscribedAt.values())) {
            String[] node = at.split(":");
            try {
                CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> c =
                        connection.getConnectionAsync(node[0], Integer.parseInt(node[1])).toCompletableFuture();
                if (c.isDone() && !c.isCompletedExceptionally() && c.join().isOpen()) {
                    return true;
                }
            } catch (RuntimeException notInTheTopology) {
                // not a node of the cluster any more
            }
        }
        return false;
    }

    /** Ends every subscription with the connection. */
    @Override
    public void close() {
        topologyChanges.dispose();
        connection.close();
    }
}
