package dev.herald.redis.internal;

import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a transport checks about the deployment when it starts, beyond being able to reach it:
 * that a one-server URI does not point at a node of a Redis Cluster, and that there are the
 * replicas that {@code publishReplicas} will wait for. Stateless.
 */
public final class DeploymentChecks {

    private static final Logger log = LoggerFactory.getLogger(DeploymentChecks.class);

    private DeploymentChecks() {
    }

    /**
     * Refuses a one-server connection to a node of a Redis Cluster: there, keys on other nodes'
     * slots answer {@code MOVED}, and Pub/Sub would use classic channels while buses connected
     * to the cluster use shard channels, so neither would hear the other. A server that does not
     * answer {@code INFO cluster} (a managed service may disable it) is not refused.
     *
     * @throws IllegalStateException naming the endpoint and the cluster form to use instead
     */
    public static void refuseClusterNode(RedisEndpoint endpoint, RedisConnection connection) {
        refuseClusterNode(endpoint, connection, connection.getTimeout());
    }

    /**
     * As {@link #refuseClusterNode(RedisEndpoint, RedisConnection)}, waiting at most
     * {@code within} for the answer (none in time: not refused).
     */
    public static void refuseClusterNode(RedisEndpoint endpoint, RedisConnection connection, Duration within) {
        if (endpoint.isCluster()) {
            return;
        }
        String info;
        try {
            info = connection.async().info("cluster").get(Math.max(1, within.toNanos()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("INFO cluster not answered by {}: {}", endpoint.describe(), RedisEndpoint.rootMessage(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (isClusterNode(info)) {
            throw new IllegalStateException(endpoint.describe() + " is a node of a Redis Cluster (cluster_enabled:1), "
                    + "connected to as one server: connect to the cluster instead, with a redis-cluster://host:port[,host:port...] "
                    + "URI or RedisEventBus.builder(RedisClusterClient), so that every key and channel goes to its slot's master");
        }
    }

    /**
     * Whether a server's {@code INFO cluster} says it is a node of a Redis Cluster.
     *
     * @param clusterInfo the answer, or {@code null} if there was none
     */
    public static boolean isClusterNode(@Nullable String clusterInfo) {
        return clusterInfo != null && clusterInfo.contains("cluster_enabled:1");
    }

    /**
     * Warns, once per master, when a master of a cluster has fewer replicas (known to the
     * topology and not failed) than {@code publishReplicas} asks for: every publish to its slots
     * would then fail. On one server, reads {@code INFO replication}.
     */
    public static void warnOfTooFewReplicas(RedisEndpoint endpoint, RedisConnection connection, int replicas) {
        Map<String, Long> replicasByMaster;
        if (endpoint.isCluster()) {
            ClusterTopology topology = endpoint.topology();
            replicasByMaster = topology.masters().stream().collect(Collectors.toMap(DeploymentChecks::address,
                    topology::replicasOf, Long::sum));
        } else {
            try {
                replicasByMaster = Map.of(endpoint.describe(), connectedReplicas(connection.sync().info("replication")));
            } catch (RedisException e) {
                log.debug("INFO replication not answered by {}: {}", endpoint.describe(), RedisEndpoint.rootMessage(e));
                return;
            }
        }
        replicasByMaster.entrySet().stream().filter(e -> e.getValue() < replicas).sorted(Map.Entry.comparingByKey())
                .forEach(e -> log.warn("publishReplicas({}) waits for {} replica(s) of each master, but {} has {}: every publish "
                        + "to its {} fails until it has them", replicas, replicas, e.getKey(), e.getValue(),
                        endpoint.isCluster() ? "slots" : "streams"));
    }

    private static long connectedReplicas(String info) {
        return info.lines().filter(l -> l.startsWith("connected_slaves:")).map(l -> l.substring("connected_slaves:".length()).strip())
                .map(Long::parseLong).findFirst().orElse(0L);
    }

    private static String address(RedisClusterNode node) {
        return node.getUri().getHost() + ":" + node.getUri().getPort();
    }
}
