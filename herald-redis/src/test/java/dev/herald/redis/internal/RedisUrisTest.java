package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Each mistake in a URI fails at once, naming the bad part and the right form, never the password. */
class RedisUrisTest {

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(String uri) {
        return assertThatThrownBy(() -> RedisUris.check(uri)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aTimeoutThatIsNoDurationIsRefusedNamingTheValueAndTheForm() {
        refused("redis-cluster://h:7000?timeout=banana")
                .hasMessageContaining("'redis-cluster://h:7000?timeout=banana' is not a Redis Cluster URI")
                .hasMessageContaining("timeout=banana is not a duration")
                .hasMessageContaining("such as timeout=5s")
                .hasMessageContaining("use redis-cluster://[user:password@]host:port[,host:port...]");
        refused("redis://h:6379?timeout=banana").hasMessageContaining("timeout=banana is not a duration")
                .hasMessageContaining("use redis://[user:password@]host[:port]");
    }

    @Test
    void aTimeoutWithoutAUnitIsRefusedAsLettuceWouldReadMilliseconds() {
        refused("redis-cluster://h:7000?timeout=5").hasMessageContaining("timeout=5 has no unit (Lettuce would read milliseconds)");
        refused("redis://h:6379?timeout=0s").hasMessageContaining("timeout=0s would wait forever");
    }

    @Test
    void aDatabaseOnAClusterIsRefusedAsItHasOnlyDatabaseZero() {
        refused("redis-cluster://h:7000?database=3").hasMessageContaining("a Redis Cluster has only database 0: remove the option database");
        refused("redis-cluster://h:7000?db=3").hasMessageContaining("only database 0");
        refused("redis-cluster://h:7000/3").hasMessageContaining("a cluster has no database to choose: remove '/3'");
    }

    @Test
    void aSemicolonBetweenClusterNodesIsRefusedShowingTheCommas() {
        refused("redis-cluster://:s3cret@a:7000;b:7001")
                .hasMessageContaining("nodes are separated by ',', not ';': write redis-cluster://***@a:7000,b:7001");
        refused("redis-sentinel://a:26379;b:26379#m").hasMessageContaining("write redis-sentinel://a:26379,b:26379");
    }

    @Test
    void severalHostsInAOneServerUriAreRefusedPointingToTheClusterAndSentinelForms() {
        for (String uri : List.of("redis://a:7000;b:7001", "redis://a:7000,b:7001")) {
            refused(uri).hasMessageContaining("one server takes one host[:port]")
                    .hasMessageContaining("redis-cluster://a:7000,b:7001").hasMessageContaining("redis-sentinel://a:7000,b:7001#");
        }
    }

    @Test
    void aMissingDoubleSlashIsRefusedShowingTheUriWithIt() {
        refused("redis-cluster:h:7000").hasMessageContaining("the '//' after 'redis-cluster:' is missing: write redis-cluster://h:7000");
        refused("redis:h:6379").hasMessageContaining("write redis://h:6379");
        refused("redis:/h:6379").hasMessageContaining("write redis://h:6379");
        refused("redis-cluster:user:s3cret@h:7000").hasMessageContaining("'redis-cluster:***@h:7000'")
                .hasMessageContaining("write redis-cluster://***@h:7000");
    }

    @Test
    void anUnknownOptionIsRefusedListingTheOnesThatUriTakes() {
        refused("redis-cluster://h:7000?frob=1").hasMessageContaining("unknown option 'frob'")
                .hasMessageContaining("this URI takes timeout, clientName, libraryName, libraryVersion, verifyPeer");
        refused("redis://h:6379?frob=1").hasMessageContaining("unknown option 'frob'").hasMessageContaining("database");
        refused("redis://h:6379?sentinelMasterId=m").hasMessageContaining("applies to redis-sentinel:// URIs only");
    }

    @Test
    void anOptionGivenTwiceOrWithoutAValueIsRefused() {
        refused("redis://h:6379?timeout=5s&TIMEOUT=6s").hasMessageContaining("option timeout is given twice");
        refused("redis-cluster://h:7000?clientName").hasMessageContaining("option 'clientName' has no value: write clientName=");
    }

    @Test
    void verifyPeerIsRefusedWithoutTlsAndOutsideItsValues() {
        refused("redis://h:6379?verifyPeer=NONE").hasMessageContaining("applies to TLS only: use the rediss:// scheme");
        refused("redis-cluster://h:7000?verifyPeer=NONE").hasMessageContaining("rediss-cluster://");
        refused("rediss://h:6379?verifyPeer=maybe").hasMessageContaining("verifyPeer=maybe is not NONE, CA or FULL");
        assertThat(RedisUris.nodes("rediss-cluster://h:7000?verifyPeer=none")).extracting(RedisURI::getVerifyMode)
                .containsOnly(SslVerifyMode.NONE);
    }

    @Test
    void aDatabaseThatIsNoNumberOrIsGivenTwiceIsRefused() {
        refused("redis://h:6379/banana").hasMessageContaining("the database '/banana' is not a whole number");
        refused("redis://h:6379?database=x").hasMessageContaining("the database 'database=x' is not a whole number");
        refused("redis://h:6379/1?database=2").hasMessageContaining("the database is given twice, as '/1' and as database=2");
    }

    @Test
    void aBadHostOrPortIsRefused() {
        refused("redis://h:99999").hasMessageContaining("the port of 'h:99999' is not between 1 and 65535");
        refused("redis://h:port").hasMessageContaining("the port of 'h:port' is not a number");
        refused("redis://:s3cret@:6379").hasMessageContaining("':6379' is not host:port");
        refused("redis://::1:6379").hasMessageContaining("write an IPv6 address in brackets");
        assertThat(RedisUris.nodes("redis://[::1]:6380").get(0).getPort()).isEqualTo(6380);
    }

    @Test
    void anUnknownSchemeOrNoneIsRefusedWithEveryForm() {
        refused("http://h:6379").hasMessageContaining("unknown scheme 'http'").hasMessageContaining(RedisUris.FORMS);
        refused("localhost:6379").hasMessageContaining("it has no scheme: for one server write redis://localhost:6379");
        refused(" redis://h:6379").hasMessageContaining("white space");
        refused("").hasMessageContaining("it is empty");
    }

    @Test
    void aFragmentOutsideSentinelAndASentinelUriWithoutAMasterAreRefused() {
        refused("redis://:s3cret@h:6379#x").hasMessageContaining("a '#' means nothing here");
        refused("redis-sentinel://a:26379,b:26379").hasMessageContaining("it names no master: add #mymaster");
    }

    @Test
    void aPasswordThatMisleadsLettuceIsRefusedAskingForPercentEncoding() {
        refused("redis://user:s3cret@pw@h:6379").hasMessageContaining("'redis://***@h:6379'")
                .hasMessageContaining("must be percent-encoded, such as %40 for '@'");
        refused("redis://:s3cret?x@h:6379").hasMessageContaining("write a '?' in a user name or password as %3F")
                .hasMessageNotContaining("x@h");
        RedisCredentials credentials = RedisUris.nodes("redis://user:s3cret%40pw@h:6379").get(0).getCredentialsProvider()
                .resolveCredentials().block();
        assertThat(new String(credentials.getPassword())).isEqualTo("s3cret@pw");
    }

    @Test
    void optionNamesInAnyCaseReachLettuceInItsSpelling() {
        assertThat(RedisUris.check("REDIS://h:6379?DB=2&Timeout=7S&clientname=orders"))
                .isEqualTo("redis://h:6379?database=2&timeout=7S&clientName=orders");
        RedisURI u = RedisUris.nodes("REDIS://h:6379?DB=2&Timeout=7S&clientname=orders").get(0);
        assertThat(u.getDatabase()).isEqualTo(2);
        assertThat(u.getTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(u.getClientName()).isEqualTo("orders");
    }

    @Test
    void everyFormHeraldTakesIsAccepted() {
        RedisURI sentinel = RedisUris.nodes("redis-sentinel://:s3cret@a:26379,b:26380/1#mymaster").get(0);
        assertThat(sentinel.getSentinels()).extracting(RedisURI::getPort).containsExactly(26379, 26380);
        assertThat(sentinel.getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(sentinel.getDatabase()).isEqualTo(1);
        assertThat(RedisUris.nodes("redis-socket:///tmp/redis.sock?database=3").get(0).getSocket()).isEqualTo("/tmp/redis.sock");
        refused("redis-socket://").hasMessageContaining("it names no socket");
        assertThat(RedisUris.nodes("rediss://h").get(0)).satisfies(u -> {
            assertThat(u.isSsl()).isTrue();
            assertThat(u.getPort()).isEqualTo(6379);
        });
        assertThat(RedisUris.nodes("redis-cluster://a:7000,b:7001/")).hasSize(2);
    }
}
