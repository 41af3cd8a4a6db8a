package dev.herald.redis.internal;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * A transport's two command connections: one for commands (checks, heartbeats, acknowledgements)
 * and one for publishing only ({@link RedisEndpoint#connectForWrites()}: on a cluster, a command
 * for a master that is gone fails at once rather than waiting for it), with auto-flush off,
 * flushed in batches by its {@link ReliableSender}. Owns their opening and closing and, on a cluster, their connections to
 * every master: opened with them, and again for a new master on each topology change, so that a
 * master's first publishes keep their order ({@link RedisConnection#connectToMasters()}).
 * Opened once; closing more than once does no harm. Thread-safe.
 */
public final class CommandConnections {

    private final RedisEndpoint endpoint;
    /** How long opening waits for the connections to the masters of a cluster. */
    private final Duration connectWithin;
    /** Whether the commands connection, too, opens its connections to the masters up front. */
    private final boolean commandsToMasters;
    /** Whether the transport is closed: no master is connected to then. */
    private final BooleanSupplier closed;
    private volatile @Nullable RedisConnection commands;
    private volatile @Nullable RedisConnection publishing;
    private volatile @Nullable Disposable topologyChanges;

    /**
     * @param connectWithin how long {@link #open} waits for the connections to the masters of a cluster
     * @param commandsToMasters whether the commands connection's publishes too must keep their
     *     order on a new master, so that it connects to the masters as the publishing one does
     * @param closed whether the transport is closed
     */
    public CommandConnections(RedisEndpoint endpoint, Duration connectWithin, boolean commandsToMasters, BooleanSupplier closed) {
        this.endpoint = endpoint;
        this.connectWithin = connectWithin;
        this.commandsToMasters = commandsToMasters;
        this.closed = closed;
    }

    /** Opens both connections, as {@link #open(Consumer)} with no check. */
    public void open() {
        open(commandsConnection -> { });
    }

    /**
     * Opens the commands connection (refused for a cluster node connected to as one server:
     * {@link RedisEndpoint#connect()}), runs {@code check} on it, opens the publishing connection;
     * on a cluster, connects them to every master and follows the topology.
     *
     * @param check what the commands connection must pass before the publishing one is opened
     *     (a command timeout set, a PING answered)
     * @throws IllegalStateException if the URI for one server names a node of a Redis Cluster
     * @throws RuntimeException what opening or the check threw ({@link io.lettuce.core.RedisException}
     *     if Redis cannot be reached); what was opened is closed
     */
    public void open(Consumer<RedisConnection> check) {
        try {
            RedisConnection c = endpoint.connect();
            commands = c;
            check.accept(c);
            RedisConnection events = endpoint.connectForWrites();
            events.setAutoFlushCommands(false);
            publishing = events;
            if (commandsToMasters) {
                c.connectToMasters(connectWithin);
            }
            events.connectToMasters(connectWithin);
            if (endpoint.isCluster()) {
                topologyChanges = endpoint.resources().eventBus().get().filter(ClusterTopologyChangedEvent.class::isInstance)
                        .subscribe(changed -> connectToMasters());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** After a topology change: opens the connections' connections to new masters. */
    private void connectToMasters() {
        RedisConnection c = commands;
        RedisConnection events = publishing;
        if (c != null && events != null && !closed.getAsBoolean()) {
            if (commandsToMasters) {
                c.connectToMasters();
            }
            events.connectToMasters();
        }
    }

    /** The connection for commands, once opened. */
    public @Nullable RedisConnection commands() {
        return commands;
    }

    /** The connection for publishing, once opened: auto-flush off. */
    public @Nullable RedisConnection publishing() {
        return publishing;
    }

    /** Stops following the topology and closes the connections opened; idempotent. */
    public void close() {
        Disposable changes = topologyChanges;
        if (changes != null) {
            changes.dispose();
        }
        RedisConnection c = commands;
        if (c != null) {
            c.close();
        }
        RedisConnection events = publishing;
        if (events != null) {
            events.close();
        }
    }
}
