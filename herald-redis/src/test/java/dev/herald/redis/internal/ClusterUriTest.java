package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterUriTest {

    @Test
    void onlyTheClusterSchemesNameACluster() {
        assertThat(ClusterUri.isCluster("redis-cluster://a:7000")).isTrue();
        assertThat(ClusterUri.isCluster("REDISS-CLUSTER://a:7000")).isTrue();
        assertThat(ClusterUri.isCluster("redis://a:7000")).isFalse();
        assertThat(ClusterUri.isCluster("redis-sentinel://a:26379#m")).isFalse();
    }

    @Test
    void everyNodeGetsTheCredentialsTlsAndOptions() {
        List<RedisURI> nodes = ClusterUri.parse("rediss-cluster://app:s3cret@a:7000,b:7001?timeout=7s");
        assertThat(nodes).extracting(RedisURI::getHost).containsExactly("a", "b");
        assertThat(nodes).extracting(RedisURI::getPort).containsExactly(7000, 7001);
        for (RedisURI node : nodes) {
            assertThat(node.isSsl()).isTrue();
            RedisCredentials credentials = node.getCredentialsProvider().resolveCredentials().block();
            assertThat(credentials.getUsername()).isEqualTo("app");
            assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
            assertThat(node.getTimeout().getSeconds()).isEqualTo(7);
        }
        assertThat(ClusterUri.describe(nodes)).isEqualTo("rediss-cluster://a:7000,b:7001");
    }

    @Test
    void withoutATimeoutOptionTheNodesWaitFiveSecondsNotLettucesSixty() {
        assertThat(ClusterUri.parse("redis-cluster://a:7000,b:7001")).extracting(RedisURI::getTimeout)
                .containsOnly(Duration.ofSeconds(5));
        assertThat(ClusterUri.parse("redis-cluster://a:7000?clientName=x&TIMEOUT=90s")).extracting(RedisURI::getTimeout)
                .containsOnly(Duration.ofSeconds(90));
    }

    @Test
    void aBadNodeIsNamedWithTheFormAndNeverThePassword() {
        assertThatThrownBy(() -> ClusterUri.parse("redis-cluster://:pw@a:7000,b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'b' is not host:port")
                .hasMessageContaining("redis-cluster://[user:password@]host:port[,host:port...]")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> ClusterUri.parse("redis-cluster://a:70x0"))
                .hasMessageContaining("the port of 'a:70x0' is not a number");
        assertThatThrownBy(() -> ClusterUri.parse("redis-cluster://a:99999"))
                .hasMessageContaining("not between 1 and 65535");
        assertThatThrownBy(() -> ClusterUri.parse("redis-cluster://a:7000/2"))
                .hasMessageContaining("a cluster has no database to choose: remove '/2'");
        assertThatThrownBy(() -> ClusterUri.parse("redis-cluster://"))
                .hasMessageContaining("'' is not host:port");
    }

    @Test
    void aPasswordHoldingAnAtSignOrASlashIsMaskedWhole() {
        assertThat(RedisUris.mask("redis-cluster://:wrong@pw@127.0.0.1:18001")).isEqualTo("redis-cluster://***@127.0.0.1:18001");
        assertThat(RedisUris.mask("redis://u:p@ss/w@host:6379/0?timeout=5s")).isEqualTo("redis://***@host:6379/0?timeout=5s");
        assertThat(RedisUris.mask("redis://host:6379")).isEqualTo("redis://host:6379");
        assertThatThrownBy(() -> ClusterUri.parse("redis-cluster://u:p@ss/w@127.0.0.1:18001"))
                .hasMessageNotContaining("ss/w").hasMessageNotContaining("p@ss");
    }
}
