package dev.herald.bench;

import dev.herald.redis.RedisTarget;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The shards of the Redis a run uses, for per-shard figures: the server itself, or each master of
 * a Redis Cluster as its topology is when this is made, each on a connection of its own (Lettuce's
 * public API only). Says which shard serves a key and reads
 * each shard's CPU time so far ({@code INFO cpu}: {@code used_cpu_sys + used_cpu_user}, all of the
 * process's threads). Not thread-safe; {@link #close()} closes its connections.
 */
final class RedisShards implements AutoCloseable {

    private final AbstractRedisClient client;
    /** On a cluster, its topology when this was made; else null. */
    private final @Nullable Partitions topology;
    /** Each shard's address (host:port), with how to ask it for {@code INFO cpu}. */
    private final Map<String, Supplier<String>> cpuInfo = new LinkedHashMap<>();
    private final List<AutoCloseable> connections = new ArrayList<>();

    RedisShards(String uri) {
        RedisTarget target = RedisTarget.parse(uri);
        this.client = target.isCluster() ? RedisClusterClient.create(target.nodes()) : RedisClient.create(target.nodes().get(0));
        try {
            if (client instanceof RedisClusterClient cluster) {
                this.topology = cluster.getPartitions();
                for (RedisClusterNode master : topology) {
                    if (master.is(RedisClusterNode.NodeFlag.UPSTREAM) && !master.is(RedisClusterNode.NodeFlag.FAIL)
                            && !master.getSlots().isEmpty()) {
                        RedisClient node = RedisClient.create(cluster.getResources(), master.getUri());
                        connections.add(node::shutdown);
                        StatefulRedisConnection<String, String> c = node.connect(StringCodec.UTF8);
                        cpuInfo.put(address(master), () -> c.sync().info("cpu"));
                    }
                }
            } else {
                this.topology = null;
                StatefulRedisConnection<String, String> c = ((RedisClient) client).connect(StringCodec.UTF8);
                connections.add(c);
                RedisURI server = target.nodes().get(0);
                String name = server.getHost() != null ? address(server.getHost(), server.getPort()) : target.toString();
                cpuInfo.put(name, () -> c.sync().info("cpu"));
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
        return topology != null ? address(topology.getMasterBySlot(SlotHash.getSlot(key.getBytes(StandardCharsets.UTF_8))))
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
        return address(node.getUri().getHost(), node.getUri().getPort());
    }

    private static String address(String host, int port) {
        return host + ":" + port;
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
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
