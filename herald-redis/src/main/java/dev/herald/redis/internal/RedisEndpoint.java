package dev.herald.redis.internal;

import dev.herald.internal.bus.BusThreads;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis a bus talks to: one server (or a Sentinel-watched master) or a Redis Cluster, through
 * the Lettuce client (the user's, or one Herald made from a URI and owns), and a description of
 * the endpoint for messages, never with the password.
 *
 * <p>On a cluster, command connections route each keyed command to its slot's master
 * ({@link RedisConnection}); what must stay on one node (a sharded subscription, a blocking
 * stream read) uses a plain connection to that node ({@link #connectToNode}), which does not
 * reconnect by itself: its user finds the slot's owner again in the {@link #topology()}
 * ({@link ClusterTopology#masterOf(byte[])}) after asking for a topology refresh
 * ({@link ClusterTopology#topologyMayHaveChanged()}).
 *
 * <p>On a cluster, publishes and dead letters go through a second cluster client that Herald
 * makes on the same resources and options, but with
 * {@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS} ({@link #connectForWrites()}): a
 * command for a node whose connection is down fails at once instead of waiting in Lettuce, so a
 * write Herald sent again to a promoted replica is not also carried out when the old master
 * comes back (Lettuce would write the held copy there, and the node, now a replica, redirects it
 * to the new master). The user's client, if given, is not changed. Everything else keeps the
 * client's own behaviour, commands waiting while a node reconnects: with
 * {@code REJECT_COMMANDS}, Lettuce 7.7 also rejects a command for a node whose connection is
 * still being opened, which Herald retries only where it writes.
 */
public final class RedisEndpoint {

    private static final Logger log = LoggerFactory.getLogger(RedisEndpoint.class);

    /** How often Herald's own cluster client reloads the topology besides Lettuce's adaptive triggers. */
    private static final Duration PERIODIC_TOPOLOGY_REFRESH = Duration.ofSeconds(5);
    /** Lettuce's message when its handshake ended before its connect listener ran ({@link #isHandshakeRace}). */
    private static final String HANDSHAKE_RACE = "RedisHandshakeHandler not registered";
    /** Connections tried in all when each fails with {@link #HANDSHAKE_RACE}. */
    private static final int HANDSHAKE_RACE_ATTEMPTS = 3;

    private final @Nullable RedisClient client;
    private final @Nullable RedisClusterClient cluster;
    private final @Nullable ClientResources ownedResources;
    private final @Nullable RedisURI uri;
    /** The URI as given, to parse again for a named copy (RedisURI's builder copy drops Sentinel nodes). */
    private final @Nullable String uriText;
    /** Herald's own cluster client: the nodes it was given. */
    private final List<RedisURI> seeds;
    /** A user's client: how the user describes its Redis, for messages; null if not given. */
    private final @Nullable String given;
    private volatile @Nullable String address;
    private volatile boolean shutDown;
    private final ClusterTopology topology;
    /** Cluster: the client of plain connections to one node. */
    private final NodeClient nodes;
    /** Cluster: the client of publishes and dead letters. */
    private final WritesClient writes;

    private RedisEndpoint(@Nullable RedisClient client, @Nullable RedisClusterClient cluster,
            @Nullable ClientResources ownedResources, @Nullable RedisURI uri, @Nullable String uriText, List<RedisURI> seeds) {
        this(client, cluster, ownedResources, uri, uriText, seeds, null);
    }

    private RedisEndpoint(@Nullable RedisClient client, @Nullable RedisClusterClient cluster,
            @Nullable ClientResources ownedResources, @Nullable RedisURI uri, @Nullable String uriText, List<RedisURI> seeds,
            @Nullable String given) {
        this.given = given;
        this.client = client;
        this.cluster = cluster;
        this.ownedResources = ownedResources;
        this.uri = uri;
        this.uriText = uriText;
        this.seeds = List.copyOf(seeds);
        this.topology = new ClusterTopology(() -> cluster, this::describe, () -> shutDown);
        this.nodes = new NodeClient(topology, seeds, this::describe);
        this.writes = new WritesClient(cluster, topology, seeds, this::describe, () -> shutDown);
    }

    /** A client the user made and owns: Herald never shuts it down. */
    public static RedisEndpoint shared(RedisClient client) {
        return shared(client, null);
    }

    /** A client the user made and owns, with the user's description of its Redis for messages. */
    public static RedisEndpoint shared(RedisClient client, @Nullable String description) {
        return new RedisEndpoint(client, null, null, null, null, List.of(), description);
    }

    /** A cluster client the user made and owns: Herald never shuts it down. */
    public static RedisEndpoint shared(RedisClusterClient cluster) {
        return shared(cluster, null);
    }

    /** A cluster client the user made and owns, with the user's description of its cluster for messages. */
    public static RedisEndpoint shared(RedisClusterClient cluster, @Nullable String description) {
        return new RedisEndpoint(null, cluster, null, null, null, List.of(), description);
    }

    /**
     * A client Herald makes from a URI and shuts down with the bus: RESP2 (cheaper Pub/Sub
     * decoding), no per-command timer, reconnect delays from 10 ms doubling up to 1 s, and
     * {@link ReadingChannels} installed, so that the subscriber's reads can be paused. A
     * {@code redis-cluster://} or {@code rediss-cluster://} URI makes a Redis Cluster client
     * ({@link ClusterUri}), which also reloads the topology every few seconds and whenever
     * Lettuce sees a redirection or a node it cannot reach, and gives a node that does not answer
     * up after {@link ClusterUri#DEFAULT_TIMEOUT} (connecting, and without a {@code timeout}
     * option, answering).
     *
     * @throws IllegalArgumentException if the URI is not one Herald takes ({@link RedisUris})
     */
    public static RedisEndpoint owned(String given) {
        String uri = RedisUris.check(given); // as Lettuce reads it, or a message naming the mistake
        ClientResources resources = null;
        try {
            if (ClusterUri.isCluster(uri)) {
                List<RedisURI> nodes = ClusterUri.parse(uri);
                resources = newResources();
                RedisClusterClient c = RedisClusterClient.create(resources, nodes);
                c.setOptions(ClusterClientOptions.builder().protocolVersion(ProtocolVersion.RESP2)
                        .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                        .socketOptions(SocketOptions.builder().connectTimeout(ClusterUri.DEFAULT_TIMEOUT).build())
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enablePeriodicRefresh(PERIODIC_TOPOLOGY_REFRESH)
                                .enableAllAdaptiveRefreshTriggers()
                                .adaptiveRefreshTriggersTimeout(Duration.ofMillis(ClusterTopology.REFRESH_AT_MOST_EVERY_MILLIS))
                                .build())
                        .build());
                return new RedisEndpoint(null, c, resources, null, uri, nodes);
            }
            RedisURI parsed = RedisURI.create(uri);
            resources = newResources();
            return new RedisEndpoint(newClient(parsed, resources), null, resources, parsed, uri, List.of());
        } catch (RuntimeException e) {
            if (resources != null) {
                resources.shutdown(0, 0, TimeUnit.SECONDS);
            }
            throw e;
        }
    }

    private static ClientResources newResources() {
        return ClientResources.builder()
                .nettyCustomizer(new ReadingChannels(new NettyCustomizer() { }))
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    private static RedisClient newClient(RedisURI uri, ClientResources resources) {
        RedisClient c = RedisClient.create(resources, uri);
        c.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2)
                // no Lettuce timer per command: Herald bounds its publishes itself (ReliableSender),
                // and synchronous calls still wait at most the URI's timeout
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .build());
        return c;
    }

    /** The client of one server (for tests in this package); fails on a cluster. */
    RedisClient client() {
        return Objects.requireNonNull(client, "client of one server");
    }

    /** Whether this is a Redis Cluster. */
    public boolean isCluster() {
        return cluster != null;
    }

    /** The client's resources: its event loops, for batches on them. */
    public ClientResources resources() {
        return lettuce().getResources();
    }

    private AbstractRedisClient lettuce() {
        return client != null ? client : Objects.requireNonNull(cluster, "cluster");
    }

    /**
     * Listens to the connect and disconnect events of every connection of the client, and on a
     * cluster of every plain node connection ({@link #connectToNode}, {@link #connectPubSubToNode}),
     * also of those made later.
     */
    public void addListener(RedisConnectionStateListener listener) {
        lettuce().addListener(listener);
        nodes.addListener(listener);
    }

    public void removeListener(RedisConnectionStateListener listener) {
        lettuce().removeListener(listener);
        nodes.removeListener(listener);
    }

    /**
     * A command connection: to the server, or to the whole cluster, routed by slot.
     *
     * @throws IllegalStateException if the URI for one server names a node of a Redis Cluster
     *     ({@link DeploymentChecks#refuseClusterNode})
     */
    public RedisConnection connect() {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); // each attempt bounded by the client's own timeouts
        if (client == null) {
            RedisClusterClient c = Objects.requireNonNull(cluster, "cluster");
            return RedisConnection.of(throughHandshakeRace(() -> c.connect(ByteArrayCodec.INSTANCE), end));
        }
        RedisClient one = client;
        RedisConnection c = RedisConnection.of(throughHandshakeRace(() -> one.connect(ByteArrayCodec.INSTANCE), end));
        try {
            DeploymentChecks.refuseClusterNode(this, c);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A command connection for writes that must not be carried out late: publishes and dead
     * letters. On one server, as {@link #connect()}; on a cluster, a connection of the client of
     * writes, which fails a command for a node it is not connected to at once instead of holding
     * it (see the class comment), and routes by its own topology ({@link #writesTopology()}).
     *
     * @throws IllegalStateException if the URI for one server names a node of a Redis Cluster, or
     *     if this endpoint was shut down
     */
    public RedisConnection connectForWrites() {
        return cluster == null ? connect() : writes.connect();
    }

    /**
     * A connection of its own for commands on {@code key} that must stay on one server (a blocking
     * read): to the server; on a cluster, a plain connection to the master that owns the key's
     * slot now, which does not reconnect by itself (a {@code MOVED} reply or a closed connection
     * says to find the owner again).
     */
    public StatefulRedisConnection<byte[], byte[]> connectFor(byte[] key) {
        if (client != null) {
            return client.connect(ByteArrayCodec.INSTANCE);
        }
        return connectToNode(topology.masterOf(key));
    }

    /** Cluster: a plain connection to one node, which does not reconnect by itself. */
    public StatefulRedisConnection<byte[], byte[]> connectToNode(RedisClusterNode node) {
        return nodes.connect(node);
    }

    /**
     * Cluster: a plain connection to one node, which does not reconnect by itself, made within
     * {@code within}: a node that accepts connections and does not answer (a frozen host, a
     * master stopped rather than crashed) would otherwise hold the caller for the node's timeout,
     * the handshake included. A connection that comes too late is closed when it comes.
     *
     * @throws RedisConnectionException if none was made in time, or the node refused
     */
    public StatefulRedisConnection<byte[], byte[]> connectToNode(RedisClusterNode node, Duration within) {
        return nodes.connect(node, within);
    }

    /**
     * Cluster: a plain Pub/Sub connection to one node, named, which does not reconnect by itself,
     * made within {@code within} as {@link #connectToNode(RedisClusterNode, Duration)}.
     *
     * @throws RedisConnectionException if none was made in time, or the node refused
     */
    public StatefulRedisPubSubConnection<byte[], byte[]> connectPubSubToNode(RedisClusterNode node, String clientName,
            Duration within) {
        return nodes.connectPubSub(node, clientName, within);
    }

    /**
     * The cluster's topology, as the client last loaded it, and the reloads Herald asks for; on
     * one server only {@link ClusterTopology#topologyMayHaveChanged()} may be called, and does
     * nothing.
     */
    public ClusterTopology topology() {
        return topology;
    }

    /**
     * The topology by which the connections of {@link #connectForWrites()} route, as their
     * client last loaded it (until that client is made, the other client's), and the reloads
     * Herald asks for; on one server as {@link #topology()}.
     */
    public ClusterTopology writesTopology() {
        return writes.topology();
    }

    /** The client of plain node connections, or null if none was made or it was shut down (for tests in this package). */
    @Nullable RedisClient nodeClientIfMade() {
        return nodes.ifMade();
    }

    /**
     * Opens a Pub/Sub connection to the server; with Herald's own client it carries a client
     * name (restored on every reconnect), by which its subscriptions can be checked in
     * {@code CLIENT LIST}.
     */
    public StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub(String clientName) {
        RedisClient c = Objects.requireNonNull(client, "Pub/Sub on one server needs a RedisClient");
        if (uriText != null) {
            RedisURI named = RedisURI.create(uriText); // a copy with everything, Sentinel nodes included
            named.setClientName(clientName);
            return c.connectPubSub(ByteArrayCodec.INSTANCE, named);
        }
        return c.connectPubSub(ByteArrayCodec.INSTANCE);
    }

    /** Whether {@link #connectPubSub(String)} names the connection. */
    public boolean namesConnections() {
        return uri != null;
    }

    /** Records the address a connection reached, for messages about a user's client. */
    public void connectedTo(SocketAddress socketAddress) {
        this.address = socketAddress.toString();
    }

    /** The endpoint for messages: scheme, host(s), port(s), database and master, never credentials. */
    public String describe() {
        if (cluster != null) {
            if (!seeds.isEmpty()) {
                return ClusterUri.describe(seeds);
            }
            String a = address;
            String name = given != null ? "the Redis Cluster at " + given : "the Redis Cluster of the given RedisClusterClient";
            return a != null ? name + " (last at " + a + ")" : name;
        }
        RedisURI u = uri;
        if (u != null) {
            String database = u.getDatabase() != 0 ? "/" + u.getDatabase() : "";
            if (!u.getSentinels().isEmpty()) {
                StringBuilder nodes = new StringBuilder();
                for (RedisURI sentinel : u.getSentinels()) {
                    nodes.append(nodes.length() == 0 ? "" : ",").append(sentinel.getHost()).append(':').append(sentinel.getPort());
                }
                return (u.isSsl() ? "rediss-sentinel://" : "redis-sentinel://") + nodes + database + "#" + u.getSentinelMasterId();
            }
            if (u.getSocket() != null) {
                return "redis-socket://" + u.getSocket() + database;
            }
            return (u.isSsl() ? "rediss://" : "redis://") + u.getHost() + ":" + u.getPort() + database;
        }
        String a = address;
        if (given != null) {
            return a != null ? given + " (at " + a + ")" : given;
        }
        return a != null ? "redis at " + a : "the Redis of the given RedisClient";
    }

    /**
     * Runs commands on a short-lived connection for writes ({@link #connectForWrites()}),
     * connecting within {@code within}; for dead-letter access after the bus shut down, or while
     * the shared connection reconnects. Uses a fresh client when Herald's own was shut down with
     * the bus (shut down in turn without waiting), and a user's cluster client itself once the
     * client of writes made on it was shut down.
     */
    <T> T withTemporaryConnection(Duration within, Function<RedisConnection, T> work) {
        if (shutDown && ownedResources != null) {
            AbstractRedisClient temporary;
            if (cluster != null) {
                RedisClusterClient fresh = RedisClusterClient.create(seeds);
                fresh.setOptions(WritesClient.rejectingWhileDisconnected(fresh.getOptions()));
                temporary = fresh;
            } else {
                temporary = RedisClient.create(Objects.requireNonNull(uri, "uri"));
            }
            try (RedisConnection c = connect(temporary, uri, within)) {
                return work.apply(c);
            } finally {
                temporary.shutdownAsync(0, 2, TimeUnit.SECONDS);
            }
        }
        try (RedisConnection c = connect(clientForWrites(), uri, within)) {
            return work.apply(c);
        }
    }

    /**
     * Opens a connection for writes ({@link #connectForWrites()}), waiting at most
     * {@code within}: the client's own connect timeout (10 s by default) is too long for a
     * shutdown's deadline. A connection that comes too late is closed when it comes.
     */
    RedisConnection connectForWrites(Duration within) {
        long end = System.nanoTime() + within.toNanos();
        RedisConnection c = connect(clientForWrites(), uri, within);
        try {
            DeploymentChecks.refuseClusterNode(this, c, Duration.ofNanos(end - System.nanoTime()));
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * The client of {@link #connectForWrites()}: on a cluster the client of writes, or the
     * cluster client once that was shut down.
     */
    private AbstractRedisClient clientForWrites() {
        if (cluster == null) {
            return lettuce();
        }
        RedisClusterClient made = writes.get();
        return made != null ? made : cluster;
    }

    /**
     * Connects asynchronously, with no thread of its own: a single-server client of Herald's own
     * with its URI, a cluster client after loading its topology afresh; a user's single-server client, whose URI is not
     * known, on a thread of its resources' executors.
     */
    private static RedisConnection connect(AbstractRedisClient client, @Nullable RedisURI uri, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        return throughHandshakeRace(() -> connectOnce(client, uri, within, end), end);
    }

    /** Connects, again while the attempt fails with Lettuce's handshake race ({@link #isHandshakeRace}) and time is left. */
    private static <C> C throughHandshakeRace(Supplier<C> connecting, long endNanos) {
        for (int attempt = 1; ; attempt++) {
            try {
                return connecting.get();
            } catch (RedisException e) {
                if (attempt >= HANDSHAKE_RACE_ATTEMPTS || !isHandshakeRace(e) || System.nanoTime() - endNanos >= 0) {
                    throw e;
                }
                log.debug("Connecting failed with Lettuce's \"{}\"; connecting again to learn why", HANDSHAKE_RACE);
            }
        }
    }

    /**
     * Whether a connection failed with Lettuce's "RedisHandshakeHandler not registered": under load
     * its handshake (AUTH, HELLO) can end before the connect listener looks for the handler, which
     * then hides the handshake's outcome, a WRONGPASS as well as a success. Connecting again tells.
     */
    static boolean isHandshakeRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains(HANDSHAKE_RACE)) {
                return true;
            }
        }
        return false;
    }

    private static RedisConnection connectOnce(AbstractRedisClient client, @Nullable RedisURI uri, Duration within, long end) {
        CompletableFuture<RedisConnection> connecting;
        if (client instanceof RedisClusterClient c) {
            // connectAsync needs the topology loaded, which a temporary client has not
            connecting = c.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(loaded -> c.connectAsync(ByteArrayCodec.INSTANCE)).thenApply(RedisConnection::of);
        } else if (uri != null) {
            connecting = ((RedisClient) client).connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture()
                    .thenApply(RedisConnection::of);
        } else {
            RedisClient c = (RedisClient) client;
            CompletableFuture<RedisConnection> made = new CompletableFuture<>();
            Future<StatefulRedisConnection<byte[], byte[]>> task = c.getResources().eventExecutorGroup()
                    .submit(() -> c.connect(ByteArrayCodec.INSTANCE));
            task.addListener(done -> {
                if (task.isSuccess()) {
                    made.complete(RedisConnection.of(task.getNow()));
                } else {
                    made.completeExceptionally(task.cause());
                }
            });
            connecting = made;
        }
        try {
            return BoundedWait.get(connecting, end); // through interrupts: a connection half made would leak
        } catch (TimeoutException e) {
            connecting.thenAccept(RedisConnection::close);
            throw new RedisConnectionException("no connection within " + within.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RedisException re ? re : new RedisConnectionException(String.valueOf(cause), cause);
        }
    }

    /** The error of a connection asked for after shutdown. */
    static IllegalStateException shutDownError(String endpoint) {
        return new IllegalStateException("cannot connect to " + endpoint + ": the bus's Redis client was shut down");
    }

    /**
     * Shuts down Herald's node connections' client and client of writes, and the client if Herald
     * owns it; neither of the first two is made again.
     */
    public void shutdown() {
        nodes.shutdown(); // both share the resources: leave them running
        writes.shutdown();
        if (ownedResources != null && !shutDown) {
            shutDown = true;
            lettuce().shutdown(Duration.ZERO, Duration.ofSeconds(2));
            ownedResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * Why connecting to this endpoint failed, for a start that fails: the endpoint and Redis's
     * reason; for a user's cluster client that the nodes refused for want of credentials, what to
     * do instead, as Herald's own connections to single nodes (and its client of writes) are made
     * from that client's topology, whose node addresses carry no credentials.
     */
    public String cannotConnect(Throwable e) {
        String reason = rootMessage(e);
        if (cluster != null && seeds.isEmpty() && (reason.contains("NOAUTH") || reason.contains("WRONGPASS"))) {
            return "cannot connect to " + describe() + ": its nodes want credentials, and a bus on a RedisClusterClient of yours "
                    + "connects to single nodes with the node addresses of that client's topology, which carry none: build the "
                    + "bus with RedisEventBus.builder(\"redis-cluster://user:password@host:port,...\") instead. Redis said: " + reason;
        }
        return "cannot connect to " + describe() + ": " + reason;
    }

    /**
     * The message of an error and of its root cause, for messages that name what Redis said; an
     * error without a message is named by its class.
     */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String own = said(e);
        return t == e || t.getMessage() == null ? own : e.getMessage() == null ? said(t) : own + " (" + said(t) + ")";
    }

    private static String said(Throwable e) {
        String message = e.getMessage();
        return message != null ? message : e.getClass().getSimpleName();
    }

    /** A single thread for a transport's timers (heartbeats, retries, sweeps), from the bus's factory. */
    public static ScheduledExecutorService scheduler(ThreadFactory threadFactory, String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> BusThreads.newThread(threadFactory, name, task));
    }
}
