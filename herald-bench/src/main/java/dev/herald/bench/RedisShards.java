package dev.herald.bench;

import dev.herald.redis.internal.RedisEndpoint;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The shards of the Redis a run uses, for per-shard figures: the server itself, or each master of
 * a Redis Cluster as its topology is when this is made. Says which shard serves a key and reads
 * each shard's CPU time so far ({@code INFO cpu}: {@code used_cpu_sys + used_cpu_user}, all of the
 * process's threads). Not thread-safe; {@link #close()} closes its connections.
 */
final class RedisShards implements AutoCloseable {

    private final RedisEndpoint endpoint;
    /** Each shard's address (host:port), with how to ask it for {@code INFO cpu}. */
    private final Map<String, Supplier<String>> cpuInfo = new LinkedHashMap<>();
    private final List<AutoCloseable> connections = new ArrayList<>();

    RedisShards(String uri) {
        this.endpoint = RedisEndpoint.owned(uri);
        try {
            if (endpoint.isCluster()) {
                for (RedisClusterNode master : endpoint.topology().masters()) {
                    StatefulRedisConnection<byte[], byte[]> c = endpoint.connectToNode(master);
                    connections.add(c);
                    cpuInfo.put(address(master), () -> c.sync().info("cpu"));
                }
            } else {
                var c = endpoint.connect();
                connections.add(c);
                cpuInfo.put(endpoint.describe().replaceFirst("^[a-z]+://", ""), () -> c.sync().info("cpu"));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The shards' addresses, host:port. */
    List<String> addresses() {
        return List.copyOf(cpuInfo.keySet());
    }

    /** The address of the shard that serves a key (a stream, or a shard channel's name). */
    String shardOf(String key) {
        return endpoint.isCluster() ? address(endpoint.topology().masterOf(key.getBytes(StandardCharsets.UTF_8)))
                : cpuInfo.keySet().iterator().next();
    }

    /** Each shard's CPU time so far, in seconds, by address. */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        cpuInfo.forEach((address, info) -> seconds.put(address, cpuSeconds(info.get())));
        return seconds;
    }

    /** {@code used_cpu_sys + used_cpu_user} of an {@code INFO cpu} answer. */
    static double cpuSeconds(String info) {
        double sum = 0;
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                sum += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return sum;
    }

    private static String address(RedisClusterNode node) {
        return node.getUri().getHost() + ":" + node.getUri().getPort();
    }

    @Override
    public void close() {
        for (AutoCloseable c : connections) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing: nothing to do about it
            }
        }
        endpoint.shutdown();
    }
}
