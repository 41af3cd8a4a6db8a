package dev.herald.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisPassword;

class RedisBusesTest {

    @Test
    void theClusterUriCarriesTheFactorysNodesAndPercentEncodedCredentials() {
        RedisClusterConfiguration cluster = new RedisClusterConfiguration();
        cluster.clusterNode("10.0.0.1", 7000).clusterNode("::1", 7001);
        cluster.setUsername("app user");
        cluster.setPassword(RedisPassword.of("p@ss:w%rd+"));

        String uri = RedisBuses.clusterUri(cluster, false);

        assertThat(uri).startsWith("redis-cluster://app%20user:p%40ss%3Aw%25rd%2B@")
                .contains("10.0.0.1:7000").contains("[::1]:7001");
        assertThat(RedisBuses.clusterUri(cluster, true)).startsWith("rediss-cluster://");
    }

    @Test
    void theClusterUriOfTheDefaultUserHasAnEmptyUserName() {
        RedisClusterConfiguration cluster = new RedisClusterConfiguration();
        cluster.clusterNode("127.0.0.1", 7000);
        cluster.setPassword(RedisPassword.of("secret"));

        assertThat(RedisBuses.clusterUri(cluster, false)).isEqualTo("redis-cluster://:secret@127.0.0.1:7000");
    }
}
