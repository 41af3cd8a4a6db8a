package dev.herald.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

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

    @Test
    void messagesNameTheFactorysRedisWithoutItsPassword() {
        RedisStandaloneConfiguration one = new RedisStandaloneConfiguration("cache-1", 6380);
        one.setDatabase(2);
        one.setPassword(RedisPassword.of("secret"));
        assertThat(RedisBuses.description(new LettuceConnectionFactory(one))).isEqualTo("redis://cache-1:6380/2");

        RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration().master("mymaster").sentinel("s1", 26379)
                .sentinel("s2", 26379);
        sentinel.setPassword(RedisPassword.of("secret"));
        assertThat(RedisBuses.description(new LettuceConnectionFactory(sentinel)))
                .isEqualTo("redis-sentinel://s1:26379,s2:26379#mymaster");

        RedisClusterConfiguration cluster = new RedisClusterConfiguration();
        cluster.clusterNode("10.0.0.1", 7000).clusterNode("::1", 7001);
        assertThat(RedisBuses.description(new LettuceConnectionFactory(cluster)))
                .isEqualTo("redis-cluster://10.0.0.1:7000,[::1]:7001");
    }
}
