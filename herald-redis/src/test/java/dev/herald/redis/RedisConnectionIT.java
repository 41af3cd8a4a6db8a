package dev.herald.redis;

import static dev.herald.redis.RedisTestSupport.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.BusState;
import dev.herald.Health;
import dev.herald.EventBus;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisTestSupport.Secured;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Password, ACL users, TLS, and the deaf subscription an ACL change can cause. */
class RedisConnectionIT {

    private static final String ACL_USER = "herald on >hpass resetchannels ~herald:* &herald:* +@all";

    private final Resources resources = new Resources();

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
    }

    private RedisServer server(RedisServer.Builder builder) {
        return resources.add(builder.start());
    }

    private EventBus bus(EventBus bus) {
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    @Test
    void aDatabaseNumberInTheUriIsUsed() {
        RedisServer redis = server(RedisServer.builder());
        roundTrip(bus(RedisEventBus.builder("redis://127.0.0.1:" + redis.port() + "/3").retry(RetryPolicy.none()).build()));
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port() + "/3");
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        StatefulRedisConnection<String, String> db3 = client.connect();
        assertThat(db3.sync().xlen("herald:dlq")).as("the dead letter went to database 3").isEqualTo(1);
        db3.sync().select(0);
        assertThat(db3.sync().exists("herald:dlq")).as("and not to database 0").isZero();
    }

    @Test
    void withRequirepassTheRightPasswordWorks() {
        RedisServer redis = server(RedisServer.builder().password("s3cret"));
        roundTrip(bus(RedisEventBus.builder(redis.uri()).retry(RetryPolicy.none()).build()));
    }

    @Test
    void withRequirepassAWrongPasswordFailsStartNamingTheEndpointButNotThePassword() {
        RedisServer redis = server(RedisServer.builder().password("s3cret"));
        EventBus bus = bus(RedisEventBus.builder("redis://:wrong-password@127.0.0.1:" + redis.port()).build());
        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis://127.0.0.1:" + redis.port())
                .hasMessageContaining("WRONGPASS")
                .hasMessageNotContaining("wrong-password");
    }

    @Test
    void anAclUserLimitedToHeraldKeysAndChannelsIsEnough() {
        RedisServer redis = server(RedisServer.builder().aclUser(ACL_USER));
        roundTrip(bus(RedisEventBus.builder("redis://herald:hpass@127.0.0.1:" + redis.port())
                .retry(RetryPolicy.none()).build()));
    }

    @Test
    void anAclUserWithTheWrongPasswordOrWithoutChannelRightsFailsStartClearly() {
        RedisServer redis = server(RedisServer.builder().aclUser(ACL_USER).aclUser("nochannels on >npass resetchannels ~herald:* +@all"));
        EventBus wrong = bus(RedisEventBus.builder("redis://herald:nope@127.0.0.1:" + redis.port()).build());
        assertThatThrownBy(wrong::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("WRONGPASS");

        EventBus noChannels = bus(RedisEventBus.builder("redis://nochannels:npass@127.0.0.1:" + redis.port()).build());
        noChannels.subscribe(Secured.class, e -> { });
        assertThatThrownBy(noChannels::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("NOPERM");
    }

    @ParameterizedTest
    @EnumSource(RedisEventBus.Mode.class)
    void aStartThatFailsLeavesNoThreadAliveAndNoConnectionOpen(RedisEventBus.Mode mode) {
        // rights on nothing but one stream and one channel: the bus connects, then its subscription is refused
        RedisServer redis = server(RedisServer.builder().aclUser("narrow on >npass resetchannels ~herald:dlq &herald:heartbeat* +@all"));
        RedisClient admin = RedisClient.create(redis.uri());
        resources.add(() -> admin.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        StatefulRedisConnection<String, String> adminConnection = admin.connect();
        for (String uri : List.of("redis://narrow:npass@127.0.0.1:" + redis.port(), "redis://herald:wrong@127.0.0.1:" + redis.port())) {
            ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
            EventBus bus = bus(RedisEventBus.builder(uri).mode(mode).threadFactory(task -> {
                Thread thread = new Thread(task);
                thread.setDaemon(true);
                threads.add(thread);
                return thread;
            }).build());
            bus.subscribe(Secured.class, "refused", e -> { });

            assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class).hasMessageMatching("(?s).*(NOPERM|WRONGPASS).*");

            assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(threads).as("threads of the bus still alive after start() threw (%s)", uri)
                        .filteredOn(Thread::isAlive).isEmpty();
                assertThat(adminConnection.sync().clientList().strip().lines())
                        .as("connections open on the server after start() threw (%s): only the test's", uri).hasSize(1);
            });
        }
    }

    @Test
    void tlsWithACertificateMadeByTheTestWorks() {
        assertThat(RedisServer.binarySupportsTls())
                .as("Debian's redis-server 7 supports TLS, so this test must run here").isTrue();
        RedisServer redis = server(RedisServer.builder().tls());
        RedisClient client = RedisClient.create(RedisURI.create(redis.tlsUri()));
        client.setOptions(ClientOptions.builder()
                .sslOptions(SslOptions.builder().trustManager(redis.caCertificate().toFile()).build()).build());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        roundTrip(bus(RedisEventBus.builder(client).retry(RetryPolicy.none()).build()));
    }

    @Test
    void aSubscriptionMadeDeafByAnAclChangeIsReportedAndRestored() {
        RedisServer redis = server(RedisServer.builder().aclUser(ACL_USER));
        RedisClient admin = RedisClient.create(redis.uri());
        resources.add(() -> admin.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        StatefulRedisConnection<String, String> adminConnection = admin.connect();
        RedisEventBus bus = (RedisEventBus) bus(RedisEventBus.builder("redis://herald:hpass@127.0.0.1:" + redis.port())
                .heartbeat(Duration.ofMillis(100), Duration.ofMillis(500)).build());
        ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(Secured.class, e -> got.add(e.payload().value()));
        bus.start();
        assertThat(bus.health().up()).isTrue();

        // Redis drops the subscriber when its channel rights go; Lettuce reconnects, but its
        // resubscription is refused: the connection is up, the subscription is gone ("deaf")
        acl(adminConnection, "SETUSER", "herald", "resetchannels");
        // (first "disconnected" for the moment Lettuce needs to reconnect, then the missing heartbeat)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Health health = bus.health();
            assertThat(health.up()).isFalse();
            assertThat(health.detail()).contains("heartbeat");
        });

        acl(adminConnection, "SETUSER", "herald", "&herald:*");
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.health().up());
        adminConnection.sync().publish("herald:it.secured", new String(validEvent("after-restore")));
        await().atMost(Duration.ofSeconds(30)).until(() -> got.contains("after-restore"));
    }

    private static void acl(StatefulRedisConnection<String, String> connection, String... args) {
        io.lettuce.core.protocol.CommandArgs<String, String> commandArgs =
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8);
        for (String a : args) {
            commandArgs.add(a);
        }
        String reply = connection.sync().dispatch(io.lettuce.core.protocol.CommandType.ACL,
                new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8), commandArgs);
        assertThat(reply).isEqualTo("OK");
    }

    static byte[] validEvent(String value) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + value + "\",\"source\":\"test\",\"type\":\"it.secured\","
                + "\"data\":{\"value\":\"" + value + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
