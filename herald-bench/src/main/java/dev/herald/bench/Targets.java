package dev.herald.bench;

import dev.herald.redis.RedisTarget;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The Redis an {@code e2e} run measures on: one, as {@code --redis} gives it or a throw-away
 * {@code redis-server}; with {@code --cluster}, a server and a Redis Cluster of 3 masters (and
 * {@code --replicas} per master), each throw-away unless {@code --redis} gives it (a
 * {@code redis-cluster://} URI gives the cluster). {@link #close()} stops what was started.
 */
final class Targets implements AutoCloseable {

    private final @Nullable RedisServer ownServer;
    private final @Nullable RedisCluster ownCluster;
    private final String server;
    private final @Nullable String cluster;

    private Targets(@Nullable RedisServer ownServer, @Nullable RedisCluster ownCluster, String server, @Nullable String cluster) {
        this.ownServer = ownServer;
        this.ownCluster = ownCluster;
        this.server = server;
        this.cluster = cluster;
    }

    static Targets start(E2eOptions options) {
        String given = options.redis();
        if (!options.cluster()) {
            RedisServer own = given == null ? RedisServer.start() : null;
            return new Targets(own, null, own != null ? own.uri() : given, null);
        }
        boolean givenCluster = given != null && RedisTarget.parse(given).isCluster();
        RedisServer ownServer = given == null || givenCluster ? RedisServer.start() : null;
        RedisCluster ownCluster = null;
        try {
            ownCluster = givenCluster ? null : RedisCluster.builder().masters(3).replicasPerMaster(options.replicas()).start();
        } catch (RuntimeException e) {
            if (ownServer != null) {
                ownServer.close();
            }
            throw e;
        }
        String serverUri = ownServer != null ? ownServer.uri() : given;
        String clusterUri = ownCluster != null ? uriOf(ownCluster) : given;
        return new Targets(ownServer, ownCluster, serverUri, clusterUri);
    }

    /** The cluster URI of a throw-away cluster: its masters. */
    static String uriOf(RedisCluster cluster) {
        return "redis-cluster://" + cluster.masters().stream().map(m -> "127.0.0.1:" + m.port()).collect(Collectors.joining(","));
    }

    /** The one Redis, or with {@code --cluster} the server. */
    String server() {
        return server;
    }

    /** With {@code --cluster}: the cluster; else null. */
    @Nullable String cluster() {
        return cluster;
    }

    /** What the table's heading says about the Redis, passwords masked. */
    String describe() {
        String s = (ownServer != null ? "throw-away " : "") + mask(server);
        if (cluster != null) {
            s += " and " + (ownCluster != null ? "a throw-away cluster of 3 masters" + (ownCluster.replicas().isEmpty() ? ""
                    : ", " + ownCluster.replicas().size() / 3 + " replica(s) each") + ", " : "") + mask(cluster);
        }
        return s;
    }

    private static String mask(String uri) {
        return RedisTarget.mask(uri);
    }

    @Override
    public void close() {
        if (ownServer != null) {
            ownServer.close();
        }
        if (ownCluster != null) {
            ownCluster.close();
        }
    }
}
