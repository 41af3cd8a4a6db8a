package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.redis.RedisEventBus.Builder;
import dev.herald.redis.RedisEventBus.Mode;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Options of one mode set on a bus of the other are refused by build(), never silently ignored; a
 * bad URI is refused at once, and a refused build() leaves no client behind.
 */
class RedisEventBusBuilderTest {

    /** Never connected: build() refuses before it would. */
    private final RedisClient client = RedisClient.create("redis://127.0.0.1:1");

    @AfterEach
    void shutDown() {
        client.shutdown(Duration.ZERO, Duration.ZERO);
    }

    static Stream<Arguments> streamsOnly() {
        return Stream.of(
                option("streamRetention", b -> b.streamRetention(RedisEventBus.Builder.DEFAULT_STREAM_RETENTION)),
                option("visibilityTimeout", b -> b.visibilityTimeout(RedisEventBus.Builder.DEFAULT_VISIBILITY_TIMEOUT)),
                option("deliveryLimit", b -> b.deliveryLimit(RedisEventBus.Builder.DEFAULT_DELIVERY_LIMIT)),
                option("readBatch", b -> b.readBatch(100)),
                option("startFrom", b -> b.startFrom(Instant.EPOCH)),
                option("publishReplicas", b -> b.publishReplicas(1, Duration.ofSeconds(1))));
    }

    static Stream<Arguments> pubSubOnly() {
        return Stream.of(
                option("heartbeat", b -> b.heartbeat(RedisEventBus.Builder.DEFAULT_HEARTBEAT_INTERVAL,
                        RedisEventBus.Builder.DEFAULT_HEARTBEAT_TIMEOUT)),
                option("subscriberBuffer", b -> b.subscriberBuffer(100_000, 32L * 1024 * 1024)));
    }

    private static Arguments option(String name, UnaryOperator<Builder> set) {
        return Arguments.of(name, set);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamsOnly")
    void aStreamsOptionOnAPubSubBusIsRefusedEvenAtItsDefaultValue(String name, UnaryOperator<Builder> set) {
        Builder builder = set.apply(RedisEventBus.builder(client).mode(Mode.PUBSUB));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(name + " applies to Mode.STREAMS only")
                .hasMessageContaining("this bus is Mode.PUBSUB")
                .hasMessageContaining("mode(Mode.STREAMS)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamsOnly")
    void aStreamsOptionOnABusOfTheDefaultModeIsRefused(String name, UnaryOperator<Builder> set) {
        Builder builder = set.apply(RedisEventBus.builder(client));

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(name).hasMessageContaining("Mode.PUBSUB");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pubSubOnly")
    void aPubSubOptionOnAStreamsBusIsRefusedWhicheverIsSetFirst(String name, UnaryOperator<Builder> set) {
        Builder modeFirst = set.apply(RedisEventBus.builder(client).mode(Mode.STREAMS));
        Builder modeLast = set.apply(RedisEventBus.builder(client)).mode(Mode.STREAMS);

        for (Builder builder : new Builder[] {modeFirst, modeLast}) {
            assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(name + " applies to Mode.PUBSUB only")
                    .hasMessageContaining("this bus is Mode.STREAMS")
                    .hasMessageContaining("mode(Mode.PUBSUB)");
        }
    }

    @Test
    void aBadUriIsRefusedByTheBuilderAtOnceNamingTheMistake() {
        assertThatThrownBy(() -> RedisEventBus.builder("redis-cluster://127.0.0.1:7000?timeout=banana"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout=banana is not a duration");
        assertThatThrownBy(() -> RedisEventBus.builder("redis://127.0.0.1:6379?frob=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'frob'");
    }

    /**
     * A builder made from a URI makes its Lettuce client (event loops, timer) only in build(),
     * and shuts it down when build() or start() fails: else it would be left to the garbage
     * collector, and Netty's leak detector would warn about it later.
     */
    @Test
    void aUriBuilderWhoseBuildOrStartFailsLeavesNoLettuceThreadRunning() throws IOException {
        Set<Thread> before = lettuceThreads();
        for (int i = 0; i < 3; i++) {
            Builder refusedBeforeTheClient = RedisEventBus.builder("redis://127.0.0.1:1").streamRetention(5000);
            assertThatThrownBy(refusedBeforeTheClient::build).isInstanceOf(IllegalStateException.class);
            Builder refusedByTheTransport = RedisEventBus.builder("redis-cluster://127.0.0.1:1").instanceId("a{b}");
            assertThatThrownBy(refusedByTheTransport::build).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'{' or '}'");
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort(); // nobody listens there once closed
        }
        RedisEventBus unreachable = RedisEventBus.builder("redis://127.0.0.1:" + closedPort).build();
        assertThatThrownBy(unreachable::start).hasMessageContaining("127.0.0.1:" + closedPort);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Set<Thread> left = lettuceThreads();
            left.removeAll(before);
            assertThat(left).as("Lettuce threads left running").isEmpty();
        });
    }

    private static Set<Thread> lettuceThreads() {
        Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
        threads.removeIf(t -> !t.isAlive() || !t.getName().startsWith("lettuce-"));
        return threads;
    }

    @Test
    void publishReplicasRefusesFewerThanOneReplicaOrATimeoutUnderOneMillisecondNamingTheValue() {
        Builder builder = RedisEventBus.builder(client).mode(Mode.STREAMS);

        assertThatThrownBy(() -> builder.publishReplicas(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicas must be >= 1 but was 0");
        assertThatThrownBy(() -> builder.publishReplicas(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be at least 1 ms but was PT0S");
        assertThatThrownBy(() -> builder.publishReplicas(1, Duration.ofNanos(500_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 ms");
        assertThatThrownBy(() -> builder.publishReplicas(1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-1S");
    }

    @Test
    void publishReplicasRefusesATimeoutNotShorterThanThePublishTimeoutNamingBothAndTheFix() {
        Builder sameAsDefault = RedisEventBus.builder(client).mode(Mode.STREAMS)
                .publishReplicas(1, RedisEventBus.Builder.DEFAULT_PUBLISH_TIMEOUT);
        Builder longer = RedisEventBus.builder(client).mode(Mode.STREAMS).publishTimeout(Duration.ofSeconds(2))
                .publishReplicas(1, Duration.ofSeconds(3));

        assertThatThrownBy(sameAsDefault::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publishReplicas timeout of PT10S must be shorter than the publish timeout of PT10S")
                .hasMessageContaining("lower the publishReplicas timeout below PT10S");
        assertThatThrownBy(longer::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("publishReplicas timeout of PT3S must be shorter than the publish timeout of PT2S")
                .hasMessageContaining("raise publishTimeout(...) above PT3S");
        RedisEventBus.builder(client).mode(Mode.STREAMS).publishTimeout(Duration.ofSeconds(2))
                .publishReplicas(1, Duration.ofMillis(1999)).build().shutdown();
    }
}
