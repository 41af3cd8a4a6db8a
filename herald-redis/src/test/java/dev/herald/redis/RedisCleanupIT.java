package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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

    @Test
    void onAClusterDeletesEveryKeyUnderThePrefixOnEveryMasterAndNothingElse() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).start()) {
            RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                RedisAdvancedClusterCommands<String, String> redis = c.sync();
                Set<RedisServer> holders = new HashSet<>();
                for (int i = 0; i < 2500; i++) { // more than one SCAN page, on every master
                    redis.set("run1:key" + i, "x");
                    holders.add(cluster.masterOf("run1:key" + i));
                }
                redis.xadd(RedisKeys.stream("run1", "order.placed"), Map.of(RedisKeys.STREAM_FIELD, "{}"));
                redis.xadd(RedisKeys.deadLetters("run1"), Map.of("reason", "SHUTDOWN"));
                redis.set("run10:key", "another prefix that starts alike");
                redis.set("run1", "the bare prefix is not under it");
                redis.set("herald:key", "another deployment");
                assertThat(holders).as("masters holding keys of the prefix").hasSize(3);

                assertThat(RedisCleanup.deleteAll(client, "run1")).isEqualTo(2502);

                assertThat(redis.keys("*")).containsExactlyInAnyOrder("run10:key", "run1", "herald:key");
                redis.set("run1:again", "x");
                assertThat(RedisCleanup.deleteAll(cluster.clusterUri(), "run1"))
                        .as("from a redis-cluster:// URI").isEqualTo(1);
                assertThat(RedisCleanup.deleteAll(client, "run1")).isZero();
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void onAClusterWithAFailedMasterThatStillOwnsSlotsItRefusesNamingTheNodeAndDeletesNothing() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).start()) {
            RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                RedisServer failed = cluster.masters().get(2);
                RedisServer alive = cluster.masters().get(0);
                String key = "run1:key";
                for (int i = 0; !cluster.masterOf(key).equals(alive); i++) {
                    key = "run1:key" + i;
                }
                c.sync().set(key, "x");
                // the cluster goes on serving the slots of the masters that answer, as it may be configured to
                c.sync().upstream().commands().configSet("cluster-require-full-coverage", "no");
                failed.kill(); // no replica takes over: its slots stay its own
                RedisClient plain = RedisClient.create(alive.uri());
                try (StatefulRedisConnection<String, String> node = plain.connect()) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> node.sync().clusterNodes().lines()
                            .anyMatch(l -> l.contains(":" + failed.port() + "@") && l.contains("fail") && !l.contains("fail?")));

                    assertThatThrownBy(() -> RedisCleanup.deleteAll(client, "run1")).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining(":" + failed.port() + " (")
                            .hasMessageContaining("FAIL while still owning slots")
                            .hasMessageContaining("nothing was deleted");
                    assertThat(node.sync().exists(key)).as("the key on a master that answers is still there").isOne();
                } finally {
                    plain.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }
}
