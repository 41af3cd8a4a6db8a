package dev.herald.redis.internal.pubsub;

import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.SocketReads;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plain Pub/Sub connection to one master of a Redis Cluster, for the shard channels that
 * master serves. SSUBSCRIBE and SUNSUBSCRIBE count as done when the listener's confirmation
 * callback comes, which Redis sends in order with the messages: on RESP2, Lettuce can take a
 * shard message that arrives while a command waits for its reply as that reply, so the command's
 * own future may complete early. Messages go to {@link Events} on the event loop. The connection
 * does not reconnect: once it is closed the transport opens another. Thread-safe.
 */
final class NodeSubscriber {

    private static final Logger log = LoggerFactory.getLogger(NodeSubscriber.class);

    /** What comes through the connection, told on its event loop: no blocking. */
    interface Events {

        void message(NodeSubscriber from, String channel, byte[] body);

        void subscribed(NodeSubscriber at, String channel);

        void unsubscribed(NodeSubscriber at, String channel);
    }

    private final RedisClusterNode node;
    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final String address;
    private final ChannelNames names = new ChannelNames();
    /** Confirmations awaited, by "+" (subscribed) or "-" (unsubscribed) and channel name. */
    private final Map<String, CompletableFuture<Void>> awaited = new ConcurrentHashMap<>();

    private NodeSubscriber(RedisClusterNode node, StatefulRedisPubSubConnection<byte[], byte[]> connection) {
        this.node = node;
        this.connection = connection;
        this.address = node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    /**
     * Connects to a master.
     *
     * @param reads learns the connection's socket from its confirmations, to pause its reads
     * @param within how long connecting may take
     * @throws io.lettuce.core.RedisException if it cannot connect in that time
     */
    static NodeSubscriber open(RedisEndpoint endpoint, RedisClusterNode node, String clientName, SocketReads reads,
            Events events, Duration within) {
        NodeSubscriber subscriber = new NodeSubscriber(node, endpoint.connectPubSubToNode(node, clientName, within));
        subscriber.connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void smessage(byte[] channel, byte[] message) {
                events.message(subscriber, subscriber.names.of(channel), message);
            }

            @Override
            public void ssubscribed(byte[] channel, long count) {
                reads.learn(); // within the read of the connection's socket
                String name = new String(channel, StandardCharsets.UTF_8);
                events.subscribed(subscriber, name);
                subscriber.confirmed("+" + name);
            }

            @Override
            public void sunsubscribed(byte[] channel, long count) {
                String name = new String(channel, StandardCharsets.UTF_8);
                events.unsubscribed(subscriber, name);
                subscriber.confirmed("-" + name);
            }
        });
        return subscriber;
    }

    /** Sends SSUBSCRIBE for a channel and its heartbeat; completes once Redis confirmed the channel, or fails with its error. */
    CompletableFuture<Void> subscribe(ShardChannel channel) {
        CompletableFuture<Void> confirmed = awaiting("+" + channel.name);
        return sent(confirmed, "+" + channel.name, connection.async().ssubscribe(channel.bytes, channel.heartbeatBytes));
    }

    /** Sends SUNSUBSCRIBE for a channel and its heartbeat; completes once Redis confirmed it. */
    CompletableFuture<Void> unsubscribe(ShardChannel channel) {
        CompletableFuture<Void> confirmed = awaiting("-" + channel.name);
        return sent(confirmed, "-" + channel.name, connection.async().sunsubscribe(channel.bytes, channel.heartbeatBytes));
    }

    /** Before the command is sent: its confirmation can come before the sending thread goes on. */
    private CompletableFuture<Void> awaiting(String confirmation) {
        return awaited.compute(confirmation, (key, before) -> before != null && !before.isDone() ? before : new CompletableFuture<>());
    }

    private CompletableFuture<Void> sent(CompletableFuture<Void> confirmed, String confirmation, RedisFuture<?> command) {
        command.whenComplete((ignored, failure) -> {
            if (failure != null && confirmed.completeExceptionally(failure)) {
                awaited.remove(confirmation, confirmed);
            }
        });
        return confirmed;
    }

    private void confirmed(String confirmation) {
        CompletableFuture<Void> waiting = awaited.remove(confirmation);
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    /** SUNSUBSCRIBE without waiting: a failure only leaves a subscription whose messages are not taken anyway. */
    void unsubscribeQuietly(ShardChannel channel) {
        unsubscribe(channel).whenComplete((done, failure) -> {
            if (failure != null) {
                log.debug("SUNSUBSCRIBE {} at {} failed: {}", channel, this, RedisEndpoint.rootMessage(failure));
            }
        });
    }

    /**
     * Waits for a confirmation, at most {@code timeout} and not past the connection's end.
     *
     * @return whether it came
     * @throws ExecutionException if Redis answered with an error ({@code MOVED}, say)
     */
    boolean await(CompletableFuture<Void> confirmation, Duration timeout) throws ExecutionException {
        return Replies.await(confirmation, connection::isOpen, timeout);
    }

    /** Whether this is the connection to that master. */
    boolean serves(RedisClusterNode master) {
        return node.getNodeId().equals(master.getNodeId());
    }

    String nodeId() {
        return node.getNodeId();
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    /** Whether a connection event is about this connection. */
    boolean owns(RedisChannelHandler<?, ?> handler) {
        return handler == connection;
    }

    /** The Lettuce connection, for tests that act on it behind the transport's back. */
    StatefulRedisPubSubConnection<byte[], byte[]> connection() {
        return connection;
    }

    /** Closes without waiting; the connection's channels are then unsubscribed by Redis. */
    void close() {
        connection.closeAsync();
    }

    @Override
    public String toString() {
        return address;
    }
}
