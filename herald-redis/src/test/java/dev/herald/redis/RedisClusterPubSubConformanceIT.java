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

/** Sharded Pub/Sub passes the whole conformance suite on a real 3-master Redis Cluster. */
class RedisClusterPubSubConformanceIT extends TransportConformanceSuite {

    private static RedisCluster cluster;
    private static RedisClusterClient rawClient;
    /** A cluster connection for writing raw bytes with SPUBLISH, as a foreign program would. */
    private static StatefulRedisClusterConnection<byte[], byte[]> raw;

    /** Each test gets its own channel prefix. */
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

    static String clusterUri(RedisCluster cluster) {
        return "redis-cluster://" + String.join(",", cluster.uris().stream().map(u -> u.substring("redis://".length())).toList());
    }

    @Override
    protected EventBusBuilder<?> newBusBuilder() {
        return RedisEventBus.builder(clusterUri(cluster)).mode(RedisEventBus.Mode.PUBSUB).prefix(prefix);
    }

    @Override
    protected TransportFeatures features() {
        return TransportFeatures.BROADCAST;
    }

    @Override
    protected void publishRaw(String eventType, byte[] message) {
        raw.sync().spublish((prefix + ":" + eventType).getBytes(StandardCharsets.UTF_8), message);
    }
}
