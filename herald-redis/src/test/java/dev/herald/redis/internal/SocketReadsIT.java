package dev.herald.redis.internal;

import static dev.herald.redis.TransportHealths.pubSubHealth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.redis.HeraldNetty;
import dev.herald.redis.RedisEventBus;
import dev.herald.redis.internal.pubsub.RedisPubSubTransport;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The canary for pausing reads, run on every Lettuce of the support range: Herald reaches the
 * subscriber's socket only through Lettuce's public {@code NettyCustomizer} and the listener's
 * {@code subscribed} callback; if a Lettuce upgrade breaks that, these fail (the bus would then
 * discard instead of pausing).
 */
class SocketReadsIT {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void readsOfHeraldsOwnClientCanBePausedAndResumedAlsoAfterAReconnect() throws Exception {
        RedisEndpoint owned = RedisEndpoint.owned(redis.uri());
        try {
            try (StatefulRedisPubSubConnection<byte[], byte[]> connection = owned.connectPubSub("socket-reads-test");
                    StatefulRedisConnection<String, String> admin = owned.client().connect()) {
                SocketReads reads = subscribed(connection);
                checkPauseAndResume(connection, reads, admin);

                AtomicLong subscriptions = new AtomicLong();
                connection.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void subscribed(byte[] channel, long count) {
                        subscriptions.incrementAndGet();
                    }
                });
                admin.sync().clientKill(KillArgs.Builder.typePubsub());
                await().atMost(Duration.ofSeconds(10)).until(() -> subscriptions.get() >= 1); // Lettuce resubscribed
                checkPauseAndResume(connection, reads, admin);
            }
        } finally {
            owned.shutdown();
        }
    }

    @Test
    void readsOfAUsersClientBuiltWithHeraldsCustomizerCanBePausedAndResumed() throws Exception {
        checkUsersClient(HeraldNetty.customizer());
    }

    @Test
    void readsOfAUsersClientWhoseOwnCustomizerCallsHeraldsCanBePausedAndResumed() throws Exception {
        NettyCustomizer herald = HeraldNetty.customizer();
        checkUsersClient(new NettyCustomizer() { // the user's own, delegating to Herald's instead of passing theirs in
            @Override
            public void afterChannelInitialized(Channel channel) {
                herald.afterChannelInitialized(channel);
            }
        });
    }

    /** A client built by the user: its subscriber's reads pause, and a bus on it says so in health. */
    private static void checkUsersClient(NettyCustomizer customizer) throws Exception {
        ClientResources resources = ClientResources.builder().nettyCustomizer(customizer).build();
        RedisClient client = RedisClient.create(resources, redis.uri()); // default options: command timeouts on
        try (StatefulRedisPubSubConnection<byte[], byte[]> connection = client.connectPubSub(ByteArrayCodec.INSTANCE);
                StatefulRedisConnection<String, String> publisher = client.connect()) {
            checkPauseAndResume(connection, subscribed(connection), publisher);

            RedisEventBus bus = RedisEventBus.builder(client).build();
            bus.start();
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> pubSubHealth(bus).canPauseReads());
            } finally {
                bus.shutdown();
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBusOnAUsersPlainClientSaysOnceThatItCannotPauseReadsAndReportsIt() {
        Logger log = (Logger) LoggerFactory.getLogger(RedisPubSubTransport.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        RedisClient client = RedisClient.create(redis.uri());
        RedisEventBus plain = RedisEventBus.builder(client).build();
        RedisEventBus owned = RedisEventBus.builder(redis.uri()).build();
        try {
            plain.start();
            owned.start();
            assertThat(pubSubHealth(owned).canPauseReads()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> appender.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("Cannot pause reading")));
            assertThat(pubSubHealth(plain).canPauseReads()).isFalse();
            assertThat(appender.list).filteredOn(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("Cannot pause reading")).hasSize(1)
                    .first().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("HeraldNetty.customizer()").contains("discarded");
        } finally {
            log.detachAppender(appender);
            plain.shutdown();
            owned.shutdown();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** A switch for the connection's reads, learnt as a bus's listener learns it: from {@code subscribed}. */
    private static SocketReads subscribed(StatefulRedisPubSubConnection<byte[], byte[]> connection) {
        SocketReads reads = SocketReads.learnable();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void subscribed(byte[] channel, long count) {
                reads.learn();
            }
        });
        connection.sync().subscribe("socket-reads".getBytes(StandardCharsets.UTF_8));
        return reads;
    }

    /** Paused, a message published to the connection's channel is not read; resumed, it is. */
    private static void checkPauseAndResume(StatefulRedisPubSubConnection<byte[], byte[]> connection, SocketReads reads,
            StatefulRedisConnection<String, String> publisher) throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        RedisPubSubAdapter<byte[], byte[]> listener = new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                received.complete(new String(message, StandardCharsets.UTF_8));
            }
        };
        connection.addListener(listener);
        try {
            await().atMost(Duration.ofSeconds(5)).until(reads::pause); // once the current socket was learnt
            assertThat(publisher.sync().publish("socket-reads", "while paused")).isEqualTo(1L);
            assertThatCode(() -> received.get(300, TimeUnit.MILLISECONDS)).as("nothing is read while paused")
                    .isInstanceOf(TimeoutException.class);
            reads.resume();
            assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("while paused");
        } finally {
            connection.removeListener(listener);
        }
    }
}
