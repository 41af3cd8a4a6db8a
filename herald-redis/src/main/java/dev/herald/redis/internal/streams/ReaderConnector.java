package dev.herald.redis.internal.streams;

import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.UnblockType;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a reader's connections to its stream's server (on a Redis Cluster, to the master that
 * owns the stream's slot now, with bounded waits, and leaves that node when it moved or went
 * silent), and ends a read blocked on the last one it opened, for a reader that stops.
 * Thread-safe: the reader's thread connects, the thread that stops the reader unblocks it.
 */
final class ReaderConnector {

    private static final Logger log = LoggerFactory.getLogger(ReaderConnector.class);

    /**
     * On a cluster, how much longer than its block time a read may go unanswered before the
     * reader takes its node for gone (a failover, a partition) and finds the stream's master again.
     */
    static final Duration SILENT_NODE_MARGIN = Duration.ofSeconds(2);

    /**
     * A reader's connection, its {@code CLIENT ID} (-1 if Redis does not tell) and, on a cluster,
     * the node it is connected to: what it takes to unblock the reader's read.
     */
    private record Reading(RedisConnection connection, long clientId, @Nullable RedisURI node) {
    }

    private final ReaderContext context;
    private final RedisEndpoint endpoint;
    private final byte[] streamKey;
    private final String group;
    /** The connection it reads on, with what it takes to unblock its read when it stops. */
    private volatile @Nullable Reading reading;
    /** The server it reads from: on a cluster, the node it connects or connected to last. */
    private volatile String server;

    ReaderConnector(ReaderContext context, StreamGroup streamGroup) {
        this.context = context;
        this.endpoint = context.endpoint();
        this.streamKey = streamGroup.streamKey();
        this.group = streamGroup.group();
        this.server = endpoint.describe();
    }

    /** The server the reader reads from: on a cluster, the node it connects or connected to last. */
    String server() {
        return server;
    }

    /**
     * Connects to the stream's server; on a cluster, to the master that owns the stream's slot
     * now, with a bound on connecting and on how long a command waits (a read, {@code BLOCK}
     * included), so that a node that went silent does not hold the reader.
     */
    RedisConnection connect() {
        RedisURI node = null;
        RedisConnection c;
        if (endpoint.isCluster()) {
            RedisClusterNode master = endpoint.topology().masterOf(streamKey);
            node = master.getUri();
            server = node.getHost() + ":" + node.getPort();
            Duration bound = context.options().block().plus(SILENT_NODE_MARGIN);
            c = RedisConnection.of(endpoint.connectToNode(master, bound));
            c.setTimeout(bound);
        } else {
            c = RedisConnection.of(endpoint.connectFor(streamKey));
        }
        Reading before = reading;
        if (before != null) {
            context.connections().closed(before.connection().stateful());
        }
        context.connections().opened(c.stateful(), before != null);
        reading = new Reading(c, clientId(c), node);
        return c;
    }

    /** The reader stopped and closed its connection. */
    void released(RedisConnection connection) {
        context.connections().closed(connection.stateful());
    }

    /** The CLIENT ID of a reader's connection, asked once per connection; -1 if Redis does not tell. */
    private long clientId(RedisConnection connection) {
        try {
            Long id = connection.sync().clientId();
            return id != null ? id : -1;
        } catch (RedisException e) {
            log.debug("CLIENT ID failed for the reader of group {}: {}; it is stopped by closing its connection",
                    group, RedisEndpoint.rootMessage(e));
            return -1;
        }
    }

    /**
     * On a cluster, after a {@code MOVED} or {@code ASK} reply, a closed connection or a read
     * unanswered (a failover, a slot migration, a node gone): closes the connection, which does
     * not reconnect by itself, and asks for the topology again, so that the next attempt
     * connects to the slot's master as it is now. A read whose reply was lost left its entries
     * pending with this consumer and not in hand: they are claimed back after the visibility
     * timeout, on whichever master holds the stream then.
     *
     * @return null: the connection to use now
     */
    @Nullable RedisConnection leaveNode(@Nullable RedisConnection connection) {
        endpoint.topology().topologyMayHaveChanged();
        if (connection != null && connection.isOpen()) {
            connection.closeAsync();
        }
        return null;
    }

    /**
     * Ends a blocked read of the stopped reader with {@code CLIENT UNBLOCK}, sent to the node
     * its connection is on (on a cluster, a keyless command on the commands connection would
     * go to whichever node Lettuce picks); where that is not possible (no CLIENT ID, a user
     * without the ACL category {@code @connection}, a node gone...), closes the reading
     * connection: a reply lost with it was never received, and its entries stay pending for
     * another instance.
     */
    void unblock(long withinNanos) {
        Reading r = reading;
        if (r == null || !r.connection().isOpen()) {
            return;
        }
        RedisConnection c = context.commands().get();
        if (r.clientId() >= 0 && c != null && c.isOpen()) {
            try {
                c.nodeConnection(r.node())
                        .thenCompose(node -> node.async().clientUnblock(r.clientId(), UnblockType.TIMEOUT))
                        .get(withinNanos, TimeUnit.NANOSECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | RedisException e) {
                log.debug("CLIENT UNBLOCK {} for the reader of group {} failed; closing its connection", r.clientId(),
                        group, e);
            }
        }
        r.connection().closeAsync();
    }
}
