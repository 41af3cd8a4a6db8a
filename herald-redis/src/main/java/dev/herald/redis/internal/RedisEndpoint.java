package dev.herald.redis.internal;

import dev.herald.internal.bus.BusThreads;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The Redis server a bus talks to: the Lettuce client (the user's, or one Herald made from a URI
 * and owns), and a description of the endpoint for messages, never with the password.
 */
public final class RedisEndpoint {

    private final RedisClient client;
    private final @Nullable ClientResources ownedResources;
    private final @Nullable RedisURI uri;
    /** The URI as given, to parse again for a named copy (RedisURI's builder copy drops Sentinel nodes). */
    private final @Nullable String uriText;
    private volatile @Nullable String address;
    private volatile boolean shutDown;

    private RedisEndpoint(RedisClient client, @Nullable ClientResources ownedResources, @Nullable RedisURI uri,
            @Nullable String uriText) {
        this.client = client;
        this.ownedResources = ownedResources;
        this.uri = uri;
        this.uriText = uriText;
    }

    /** A client the user made and owns: Herald never shuts it down. */
    public static RedisEndpoint shared(RedisClient client) {
        return new RedisEndpoint(client, null, null, null);
    }

    /**
     * A client Herald makes from a URI and shuts down with the bus: RESP2 (cheaper Pub/Sub
     * decoding), no per-command timer, reconnect delays from 10 ms doubling up to 1 s, and
     * {@link ReadingChannels} installed, so that the subscriber's reads can be paused.
     */
    public static RedisEndpoint owned(String uri) {
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + mask(uri) + "' is not a Redis URI: use redis://[user:password@]host:port[/db],"
                    + " rediss:// for TLS, or redis-sentinel://[password@]host:port[,host:port...][/db]#master (" + e.getMessage() + ")", e);
        }
        ClientResources resources = ClientResources.builder()
                .nettyCustomizer(new ReadingChannels(new NettyCustomizer() { }))
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        return new RedisEndpoint(newClient(parsed, resources), resources, parsed, uri);
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

    public RedisClient client() {
        return client;
    }

    /**
     * Opens a Pub/Sub connection; with Herald's own client it carries a client name (restored
     * on every reconnect), by which its subscriptions can be checked in {@code CLIENT LIST}.
     *
     * @return the connection, and whether it is named
     */
    public StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub(String clientName) {
        if (uriText != null) {
            RedisURI named = RedisURI.create(uriText); // a copy with everything, Sentinel nodes included
            named.setClientName(clientName);
            return client.connectPubSub(ByteArrayCodec.INSTANCE, named);
        }
        return client.connectPubSub(ByteArrayCodec.INSTANCE);
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
        if (uri != null) {
            String database = uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "";
            if (!uri.getSentinels().isEmpty()) {
                StringBuilder nodes = new StringBuilder();
                for (RedisURI sentinel : uri.getSentinels()) {
                    nodes.append(nodes.length() == 0 ? "" : ",").append(sentinel.getHost()).append(':').append(sentinel.getPort());
                }
                return (uri.isSsl() ? "rediss-sentinel://" : "redis-sentinel://") + nodes + database + "#" + uri.getSentinelMasterId();
            }
            if (uri.getSocket() != null) {
                return "redis-socket://" + uri.getSocket() + database;
            }
            return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + database;
        }
        String a = address;
        return a != null ? "redis at " + a : "the Redis of the given RedisClient";
    }

    /**
     * Runs commands on a short-lived connection, connecting within {@code within}; for dead-letter
     * access after the bus shut down, or while the shared connection reconnects. Uses a fresh
     * client when Herald's own was shut down with the bus (shut down in turn without waiting).
     */
    <T> T withTemporaryConnection(Duration within, Function<StatefulRedisConnection<byte[], byte[]>, T> work) {
        if (shutDown && uri != null) {
            RedisClient temporary = RedisClient.create(uri);
            try (StatefulRedisConnection<byte[], byte[]> c = connect(temporary, uri, within)) {
                return work.apply(c);
            } finally {
                temporary.shutdownAsync(0, 2, TimeUnit.SECONDS);
            }
        }
        try (StatefulRedisConnection<byte[], byte[]> c = connect(client, uri, within)) {
            return work.apply(c);
        }
    }

    /**
     * Opens a connection, waiting at most {@code within}: the client's own connect timeout (10 s
     * by default) is too long for a shutdown's deadline. A connection that comes too late is
     * closed when it comes.
     */
    StatefulRedisConnection<byte[], byte[]> connect(Duration within) {
        return connect(client, uri, within);
    }

    /**
     * Connects asynchronously, with no thread of its own: Herald's own client with its URI; a
     * user's client, whose URI is not known, on a thread of its resources' executors.
     */
    private static StatefulRedisConnection<byte[], byte[]> connect(RedisClient client, @Nullable RedisURI uri,
            Duration within) {
        long end = System.nanoTime() + within.toNanos();
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connecting;
        if (uri != null) {
            connecting = client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        } else {
            CompletableFuture<StatefulRedisConnection<byte[], byte[]>> made = new CompletableFuture<>();
            Future<StatefulRedisConnection<byte[], byte[]>> task = client.getResources().eventExecutorGroup()
                    .submit(() -> client.connect(ByteArrayCodec.INSTANCE));
            task.addListener(done -> {
                if (task.isSuccess()) {
                    made.complete(task.getNow());
                } else {
                    made.completeExceptionally(task.cause());
                }
            });
            connecting = made;
        }
        try {
            return BoundedWait.get(connecting, end); // through interrupts: a connection half made would leak
        } catch (TimeoutException e) {
            connecting.thenAccept(StatefulRedisConnection::close);
            throw new RedisConnectionException("no connection within " + within.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RedisException re ? re : new RedisConnectionException(String.valueOf(cause), cause);
        }
    }

    /** Shuts down the client if Herald owns it. */
    public void shutdown() {
        if (ownedResources != null && !shutDown) {
            shutDown = true;
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            ownedResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** The message of an error and of its root cause, for messages that name what Redis said. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String own = e.getMessage();
        String root = t.getMessage();
        return t == e || root == null ? String.valueOf(own) : own + " (" + root + ")";
    }

    /** A single thread for a transport's timers (heartbeats, retries, sweeps), from the bus's factory. */
    public static ScheduledExecutorService scheduler(ThreadFactory threadFactory, String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> BusThreads.newThread(threadFactory, name, task));
    }

    static String mask(String uri) {
        return uri.replaceAll("//([^@/]*)@", "//***@");
    }
}
