package dev.herald.redis;

import dev.herald.redis.internal.ClusterUri;
import dev.herald.redis.internal.DeploymentChecks;
import dev.herald.redis.internal.RedisUris;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Redis a URI names, checked as {@link RedisEventBus#builder(String)} checks it: for tools
 * that talk to a Herald deployment beside its buses (a command-line tool, a benchmark) and want
 * its URI read exactly as the buses read it, with Lettuce clients of their own.
 *
 * <pre>{@code
 * RedisTarget target = RedisTarget.parse("redis-cluster://node1:7000,node2:7000");
 * AbstractRedisClient client = target.isCluster() ? RedisClusterClient.create(target.nodes())
 *         : RedisClient.create(target.nodes().get(0));
 * }</pre>
 *
 * <p>The forms: {@code redis://[user:password@]host[:port][/database][?option=value...]}
 * ({@code rediss://} for TLS), {@code redis-sentinel://[password@]host[:port][,host[:port]...][/database]#master},
 * {@code redis-socket:///path}, and for a Redis Cluster Herald's
 * {@code redis-cluster://[user:password@]host:port[,host:port...][?option=value...]}
 * ({@code rediss-cluster://} for TLS). Unlike Lettuce's {@code RedisURI}, which ignores what it
 * does not know, a mistake fails {@link #parse} at once: an unknown option, a {@code timeout}
 * without a unit, a database on a cluster, nodes joined by {@code ;}, a missing {@code //}.
 *
 * <p>Immutable and thread-safe. Nothing may be null. {@link #toString()} never shows the credentials.
 */
public final class RedisTarget {

    private final String given;
    private final String uri;

    private RedisTarget(String given, String uri) {
        this.given = given;
        this.uri = uri;
    }

    /**
     * Reads and checks a URI; makes no connection.
     *
     * @param uri for example {@code "redis://localhost:6379"} or {@code "redis-cluster://node1:7000,node2:7000"}
     * @return the target
     * @throws IllegalArgumentException naming the URI (its credentials masked), what is wrong, and the form that would be right
     */
    public static RedisTarget parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        return new RedisTarget(uri, RedisUris.check(uri));
    }

    /**
     * Whether the URI names a Redis Cluster ({@code redis-cluster://}, {@code rediss-cluster://}).
     *
     * @return true for a cluster, false for one server (also one found through Sentinels)
     */
    public boolean isCluster() {
        return ClusterUri.isCluster(uri);
    }

    /**
     * What a Lettuce client connects to: for one server a list of its one {@code RedisURI} (a
     * Sentinel URI carries its Sentinels), for a cluster its seed nodes, each with the URI's
     * credentials, TLS and options, and a 5 s timeout unless the URI sets {@code timeout}.
     * New objects at each call: Lettuce's {@code RedisURI} is mutable.
     *
     * @return one or more URIs, never empty
     */
    public List<RedisURI> nodes() {
        return RedisUris.nodes(uri);
    }

    /**
     * The URI's {@code timeout} option: how long Lettuce waits for a connection's handshake and
     * for each answer of a synchronous command.
     *
     * @return the timeout, or empty if the URI sets none (Lettuce's default is 60 s; a cluster's
     *     nodes get 5 s from Herald)
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(RedisUris.timeout(uri));
    }

    /**
     * This target with its {@code timeout} option set, replacing the URI's own.
     *
     * @param timeout positive; in whole milliseconds
     * @return a new target
     * @throws IllegalArgumentException if the timeout is under 1 ms
     */
    public RedisTarget withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout must be at least 1 ms but was " + timeout);
        }
        return new RedisTarget(given, RedisUris.withTimeout(uri, timeout));
    }

    /**
     * The URI for {@link RedisEventBus#builder(String)}: as given, with its scheme in lower case
     * and its options in Lettuce's spelling. Holds the credentials: not for messages.
     *
     * @return the URI
     */
    public String uri() {
        return uri;
    }

    /**
     * Whether a server's answer to {@code INFO cluster} shows a node of a Redis Cluster, which a
     * one-server URI must not name: there, keys of other slots answer {@code MOVED}, and a bus
     * on the cluster publishes on shard channels, which a classic subscription never hears.
     * A bus refuses such a server at {@code start()}; a tool should too.
     *
     * @param clusterInfo the answer, or null if there was none (a managed service may disable the command)
     * @return true for a cluster node
     */
    public static boolean isClusterNode(@Nullable String clusterInfo) {
        return DeploymentChecks.isClusterNode(clusterInfo);
    }

    /**
     * A URI fit to print: its user and password, if any, replaced by {@code ***}; also for a
     * string that is no valid URI.
     *
     * @param uri any text
     * @return the text with its credentials masked
     */
    public static String mask(String uri) {
        return RedisUris.mask(Objects.requireNonNull(uri, "uri"));
    }

    /** The URI as given, its credentials masked. */
    @Override
    public String toString() {
        return mask(given);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof RedisTarget other && uri.equals(other.uri);
    }

    @Override
    public int hashCode() {
        return uri.hashCode();
    }
}
