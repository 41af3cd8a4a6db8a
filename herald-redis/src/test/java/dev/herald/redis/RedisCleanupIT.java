package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisCleanupIT {

    @Test
    void deletesEveryKeyUnderThePrefixAndNothingElse() {
        try (RedisServer server = RedisServer.start()) {
            RedisClient client = RedisClient.create(server.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                RedisCommands<String, String> redis = c.sync();
                for (int i = 0; i < 2500; i++) { // more than one SCAN page
                    redis.set("run1:key" + i, "x");
                }
                redis.xadd(RedisKeys.stream("run1", "order.placed"), Map.of(RedisKeys.STREAM_FIELD, "{}"));
                redis.xadd(RedisKeys.deadLetters("run1"), Map.of("reason", "SHUTDOWN"));
                redis.set("run10:key", "another prefix that starts alike");
                redis.set("run1", "the bare prefix is not under it");
                redis.set("herald:key", "another deployment");

                assertThat(RedisCleanup.deleteAll(server.uri(), "run1")).isEqualTo(2502);

                assertThat(redis.keys("*")).containsExactlyInAnyOrder("run10:key", "run1", "herald:key");
                assertThat(RedisCleanup.deleteAll(server.uri(), "run1")).isZero();
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aPrefixThatWouldMatchMoreThanItselfIsRefusedNamingIt() {
        assertThatThrownBy(() -> RedisCleanup.deleteAll("redis://127.0.0.1:1", "*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'*'");
        assertThatThrownBy(() -> RedisCleanup.deleteAll("redis://127.0.0.1:1", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("such as 'herald'");
    }
}
