package dev.herald.redis;

import dev.herald.EventBusBuilder;
import dev.herald.spi.TransportFeatures;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.TransportConformanceSuite;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis Streams transport passes the whole conformance suite on a Redis Cluster of three
 * masters, each bus built from a {@code redis-cluster://} URI: its types' streams and its dead
 * letters spread over the masters' slots.
 */
class RedisClusterStreamsConformanceIT extends TransportConformanceSuite {

    private static RedisCluster cluster;
    private static RedisClusterClient rawClient;
    /** Writes raw bytes as a foreign program would, routed to each stream's master. */
    private static StatefulRedisClusterConnection<byte[], byte[]> raw;

    /** Each test gets its own key prefix, so dead letters of one test never show in another. */
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.builder().masters(3).start();
        rawClient = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
        raw = rawClient.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void stopCluster() {
        raw.close();
        rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        cluster.close();
    }

    /** {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}: every node as a seed. */
    static String clusterUri(RedisCluster cluster) {
        return "redis-cluster://" + String.join(",", cluster.uris().stream().map(u -> u.substring("redis://".length())).toList());
    }

    @Override
    protected EventBusBuilder<?> newBusBuilder() {
        return RedisEventBus.builder(clusterUri(cluster)).mode(RedisEventBus.Mode.STREAMS).prefix(prefix);
    }

    @Override
    protected TransportFeatures features() {
        return TransportFeatures.DURABLE;
    }

    @Override
    protected void publishRaw(String eventType, byte[] message) {
        raw.sync().xadd(RedisKeys.stream(prefix, eventType).getBytes(StandardCharsets.UTF_8),
                RedisKeys.STREAM_FIELD.getBytes(StandardCharsets.UTF_8), message);
    }
}
