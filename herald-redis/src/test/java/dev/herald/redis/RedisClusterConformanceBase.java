package dev.herald.redis;

import dev.herald.EventBusBuilder;
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
 * The conformance suite on a real Redis Cluster of three masters, one per class, in a given
 * mode; each bus is built from a {@code redis-cluster://} URI.
 */
abstract class RedisClusterConformanceBase extends TransportConformanceSuite {

    private static RedisCluster cluster;
    private static RedisClusterClient rawClient;
    /** A cluster connection for writing raw bytes, as a foreign program would, routed by slot. */
    static StatefulRedisClusterConnection<byte[], byte[]> raw;

    /** Each test gets its own key and channel prefix, so dead letters of one test never show in another. */
    final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

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

    abstract RedisEventBus.Mode mode();

    @Override
    protected EventBusBuilder<?> newBusBuilder() {
        return RedisEventBus.builder(cluster.clusterUri()).mode(mode()).prefix(prefix);
    }

    @Override
    protected String messagingSystem() {
        return "redis";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
