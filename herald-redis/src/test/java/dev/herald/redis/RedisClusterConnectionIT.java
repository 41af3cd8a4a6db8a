package dev.herald.redis;

import static dev.herald.redis.RedisTestSupport.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.BusState;
import dev.herald.EventBus;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisTestSupport.Secured;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.Resources;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Herald's own connections to a Redis Cluster whose nodes require a password ({@code requirepass},
 * the replicas with {@code masterauth}) and know an ACL user limited to Herald's keys and
 * channels: every connection the bus opens (topology, commands, publishing, shard
 * subscriptions, stream readers, dead letters) must authenticate with the credentials of a
 * {@code redis-cluster://user:password@...} URI, and wrong or missing credentials fail
 * {@code start()} with Redis's reason, never showing the password.
 */
class RedisClusterConnectionIT {

    private static final String PASSWORD = "s3cret";
    /** Rights on Herald's keys and channels only, whatever the prefix after "herald". */
    private static final String ACL_USER = "herald on >hpass resetchannels ~herald* &herald* +@all";

    private static RedisCluster cluster;
    private final Resources resources = new Resources();
    /** Each test's own keys and channels on the cluster they share: its dead letters are its own. */
    private final String prefix = "herald-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).password(PASSWORD).aclUser(ACL_USER).start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
    }

    private EventBus bus(RedisEventBus.Builder builder) {
        EventBus bus = builder.prefix(prefix).build();
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    @ParameterizedTest
    @EnumSource(RedisEventBus.Mode.class)
    void aBusOnAClusterUriWithAnAclUserPublishesHandlesAndDeadLetters(RedisEventBus.Mode mode) {
        EventBus bus = bus(RedisEventBus.builder(cluster.clusterUri("herald", "hpass")).mode(mode).retry(RetryPolicy.none()));

        roundTrip(bus);

        assertThat(bus.health().up()).as("%s", bus.health()).isTrue();
    }

    @Test
    void aBusOnAClusterUriWithTheDefaultUsersPasswordWorks() {
        EventBus bus = bus(RedisEventBus.builder(cluster.clusterUri()).mode(RedisEventBus.Mode.STREAMS));
        ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(Secured.class, "ok", e -> got.add(e.payload().value()));
        bus.start();

        bus.publish(new Secured("hello")).join();

        await().atMost(Duration.ofSeconds(30)).until(() -> got.contains("hello"));
    }

    @ParameterizedTest
    @EnumSource(RedisEventBus.Mode.class)
    void aBusOnAClusterClientOfTheUsersThatNeedsCredentialsFailsStartSayingToBuildItFromAUri(RedisEventBus.Mode mode) {
        RedisClusterClient client = RedisClusterClient.create(
                RedisClusterURIUtil.toRedisURIs(URI.create(cluster.clusterUri("herald", "hpass").replace("redis-cluster://", "redis://"))));
        resources.add(client::shutdown);
        EventBus bus = bus(RedisEventBus.builder(client).mode(mode));
        bus.subscribe(Secured.class, "ok", e -> { });

        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NOAUTH")
                .hasMessageContaining("build the bus with RedisEventBus.builder(\"redis-cluster://user:password@host:port,...\")")
                .hasMessageNotContaining("hpass");
        assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
    }

    @ParameterizedTest
    @EnumSource(RedisEventBus.Mode.class)
    void aWrongPasswordFailsStartNamingTheProblemAndTheClusterButNotThePassword(RedisEventBus.Mode mode) {
        EventBus bus = bus(RedisEventBus.builder(cluster.clusterUri("herald", "wrong-password")).mode(mode));
        bus.subscribe(Secured.class, "ok", e -> { });

        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis-cluster://127.0.0.1:" + cluster.nodes().get(0).port())
                .hasMessageContaining("WRONGPASS")
                .hasMessageNotContaining("wrong-password")
                .hasMessageNotContaining("hpass");
        assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
    }

    @Test
    void noPasswordFailsStartSayingThatAuthenticationIsRequired() {
        String noCredentials = cluster.clusterUri().replace(":" + PASSWORD + "@", "");
        EventBus bus = bus(RedisEventBus.builder(noCredentials));

        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis-cluster://127.0.0.1:" + cluster.nodes().get(0).port())
                .hasMessageContaining("NOAUTH");
    }
}
