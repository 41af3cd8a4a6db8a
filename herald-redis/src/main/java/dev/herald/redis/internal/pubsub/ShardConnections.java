package dev.herald.redis.internal.pubsub;

import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.SocketReads;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A sharded transport's connections to the masters of a cluster, one per master in use, by node
 * id: opened when a channel is to be subscribed there, closed once none is. A connection found
 * closed is replaced and reported, so that its channels are subscribed again. Changed under the
 * lock of the transport's channels ({@link ShardChannels}); read from any thread.
 */
final class ShardConnections {

    private final Map<String, NodeSubscriber> byNode = new ConcurrentHashMap<>();
    private final RedisEndpoint endpoint;
    private final String clientName;
    private final SocketReads reads;
    private final NodeSubscriber.Events events;
    private final BooleanSupplier closed;
    /** Told about a connection found closed: its channels are lost. */
    private final Consumer<NodeSubscriber> lost;
    /** Run once, when the first connection is opened. */
    private final Runnable first;
    private final AtomicBoolean opened = new AtomicBoolean();
    /** Connections found closed and not yet replaced. */
    private final AtomicLong unreplaced = new AtomicLong();
    private final LongAdder reconnects = new LongAdder();

    ShardConnections(RedisEndpoint endpoint, String clientName, SocketReads reads, NodeSubscriber.Events events,
            BooleanSupplier closed, Consumer<NodeSubscriber> lost, Runnable first) {
        this.endpoint = endpoint;
        this.clientName = clientName;
        this.reads = reads;
        this.events = events;
        this.closed = closed;
        this.lost = lost;
        this.first = first;
    }

    /**
     * The connection to a master, opened if there is none or it closed.
     *
     * @param within how long opening it may take
     * @throws RedisException if it cannot connect in that time, or the transport is closed
     */
    NodeSubscriber to(RedisClusterNode master, Duration within) {
        NodeSubscriber known = byNode.get(master.getNodeId());
        if (known != null && known.isOpen()) {
            return known;
        }
        if (closed.getAsBoolean()) {
            throw new RedisException("the transport is closed");
        }
        NodeSubscriber made = NodeSubscriber.open(endpoint, master, clientName, reads, events, within);
        byNode.put(made.nodeId(), made);
        if (closed.getAsBoolean()) { // closeAll() may have looked before this one was there
            byNode.remove(made.nodeId(), made);
            made.close();
            throw new RedisException("the transport is closed");
        }
        if (known != null) {
            unreplaced.incrementAndGet();
            lost.accept(known);
        }
        if (unreplaced.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reconnects.increment();
        }
        if (opened.compareAndSet(false, true)) {
            first.run();
        }
        return made;
    }

    /** Forgets the connections that closed, and reports them. */
    void forgetClosed() {
        for (NodeSubscriber node : byNode.values()) {
            if (!node.isOpen() && byNode.remove(node.nodeId(), node)) {
                unreplaced.incrementAndGet();
                lost.accept(node);
            }
        }
    }

    /** Closes the connections not in use. */
    void closeUnused(Predicate<NodeSubscriber> used) {
        for (NodeSubscriber node : byNode.values()) {
            if (!used.test(node) && byNode.remove(node.nodeId(), node)) {
                node.close();
            }
        }
    }

    /** The connection a connection event is about, if it is one of these. */
    @Nullable NodeSubscriber owning(RedisChannelHandler<?, ?> handler) {
        for (NodeSubscriber node : byNode.values()) {
            if (node.owns(handler)) {
                return node;
            }
        }
        return null;
    }

    /** How many connections were opened to replace one that closed. */
    long reconnects() {
        return reconnects.sum();
    }

    int size() {
        return byNode.size();
    }

    void closeAll() {
        for (NodeSubscriber node : byNode.values()) {
            node.close();
        }
        byNode.clear();
    }
}
