package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RedisTarget reads a URI as the buses do, for tools with clients of their own. */
class RedisTargetTest {

    @Test
    void aClusterUriGivesItsSeedNodesWithHeraldsFiveSecondTimeout() {
        RedisTarget target = RedisTarget.parse("redis-cluster://:s3cret@a:7000,b:7001");

        assertThat(target.isCluster()).isTrue();
        assertThat(target.nodes()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
        assertThat(target.nodes()).extracting(RedisURI::getTimeout).containsOnly(Duration.ofSeconds(5));
        assertThat(target.timeout()).isEmpty();
        assertThat(target).hasToString("redis-cluster://***@a:7000,b:7001");
    }

    @Test
    void aOneServerUriGivesItsOneNodeAndItsOptions() {
        RedisTarget target = RedisTarget.parse("redis://h:6380/2?timeout=3s");

        assertThat(target.isCluster()).isFalse();
        List<RedisURI> nodes = target.nodes();
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).getDatabase()).isEqualTo(2);
        assertThat(target.timeout()).contains(Duration.ofSeconds(3));
        assertThat(target.nodes().get(0)).as("a new object at each call").isNotSameAs(nodes.get(0));
    }

    @Test
    void withTimeoutSetsOrReplacesTheUrisTimeout() {
        RedisTarget target = RedisTarget.parse("redis-cluster://a:7000?clientName=tool");

        RedisTarget longer = target.withTimeout(Duration.ofSeconds(30));
        assertThat(longer.timeout()).contains(Duration.ofSeconds(30));
        assertThat(longer.nodes()).extracting(RedisURI::getTimeout).containsOnly(Duration.ofSeconds(30));
        assertThat(longer.uri()).isEqualTo("redis-cluster://a:7000?clientName=tool&timeout=30s");
        assertThat(longer.withTimeout(Duration.ofMillis(1500)).timeout()).contains(Duration.ofMillis(1500));
        assertThatThrownBy(() -> target.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 ms but was PT0S");
    }

    @Test
    void aBadUriIsRefusedNamingTheMistakeNeverThePassword() {
        assertThatThrownBy(() -> RedisTarget.parse("redis-cluster://:s3cret@a:7000;b:7001"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("separated by ','")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aClusterNodeIsToldByItsInfoCluster() {
        assertThat(RedisTarget.isClusterNode("# Cluster\r\ncluster_enabled:1\r\n")).isTrue();
        assertThat(RedisTarget.isClusterNode("# Cluster\r\ncluster_enabled:0\r\n")).isFalse();
        assertThat(RedisTarget.isClusterNode(null)).isFalse();
        assertThat(RedisTarget.mask("redis://user:s3cret@h:6379")).isEqualTo("redis://***@h:6379");
    }

    @Test
    void maskHidesThePasswordOfAUriWithoutItsDoubleSlash() {
        assertThat(RedisTarget.mask("redis-cluster:user:s3cret@h:7000")).isEqualTo("redis-cluster:***@h:7000");
        assertThat(RedisTarget.mask("user:s3cret@h:6379")).isEqualTo("***@h:6379");
    }

    @Test
    void maskHidesAPasswordHoldingAQuestionMarkWhole() {
        assertThat(RedisTarget.mask("redis://u:p?s3cret@h:6379")).isEqualTo("redis://***@h:6379");
        assertThat(RedisTarget.mask("redis://u:s3cret@h:6379?clientName=me@home"))
                .isEqualTo("redis://***@h:6379?clientName=me@home");
    }
}
