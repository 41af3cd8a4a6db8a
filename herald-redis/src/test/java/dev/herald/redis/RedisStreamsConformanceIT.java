package dev.herald.redis;

import dev.herald.EventBusBuilder;
import dev.herald.spi.TransportFeatures;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.TransportConformanceSuite;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Redis Streams transport passes the whole conformance suite, with its durable features, against a real redis-server. */
class RedisStreamsConformanceIT extends TransportConformanceSuite {

    private static RedisServer redis;
    private static RedisClient rawClient;
    private static StatefulRedisConnection<byte[], byte[]> raw;

    /** Each test gets its own key and channel prefix, so dead letters of one test never show in another. */
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        rawClient = RedisClient.create(redis.uri());
        raw = rawClient.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void stopRedis() {
        raw.close();
        rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.close();
    }

    @Override
    protected EventBusBuilder<?> newBusBuilder() {
        return RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).prefix(prefix);
    }

    @Override
    protected TransportFeatures features() {
        return new TransportFeatures(true, true, true, true);
    }

    @Override
    protected void publishRaw(String eventType, byte[] message) {
        raw.sync().xadd((prefix + ":stream:" + eventType).getBytes(StandardCharsets.UTF_8), "event".getBytes(StandardCharsets.UTF_8), message);
    }
}
