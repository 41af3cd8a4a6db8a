package dev.herald.redis;

import dev.herald.EventBusBuilder;
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

/** The conformance suite against one real redis-server per class, in a given mode. */
abstract class RedisConformanceBase extends TransportConformanceSuite {

    private static RedisServer redis;
    private static RedisClient rawClient;
    /** A plain connection for writing raw bytes, as a foreign program would. */
    static StatefulRedisConnection<byte[], byte[]> raw;

    /** Each test gets its own key and channel prefix, so dead letters of one test never show in another. */
    final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

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

    abstract RedisEventBus.Mode mode();

    @Override
    protected EventBusBuilder<?> newBusBuilder() {
        return RedisEventBus.builder(redis.uri()).mode(mode()).prefix(prefix);
    }

    @Override
    protected String messagingSystem() {
        return "redis";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
