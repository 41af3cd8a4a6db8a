package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.redis.RedisTarget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a command's own client waits to connect: the URI's timeout when it sets one, else --timeout. */
class RedisDeploymentTest {

    @Test
    void aUrisOwnTimeoutBoundsConnectingToOneServer() {
        try (RedisDeployment d = RedisDeployment.of(RedisTarget.parse("redis://127.0.0.1:1?timeout=3s"), Duration.ofSeconds(30))) {
            assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void aUrisOwnTimeoutBoundsConnectingToAClusterNode() {
        try (RedisDeployment d = RedisDeployment.of(RedisTarget.parse("redis-cluster://127.0.0.1:1?timeout=45s"),
                Duration.ofSeconds(30))) {
            assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(45));
        }
    }

    @Test
    void withoutATimeoutInTheUriTheGivenOneBoundsConnecting() {
        try (RedisDeployment d = RedisDeployment.of(RedisTarget.parse("redis://127.0.0.1:1"), Duration.ofSeconds(7))) {
            assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        }
    }
}
