package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A publish that Redis refused and that waits to be tried again when the bus shuts down: its
 * future fails with the shutdown, never waits forever (the transport's scheduler, which would
 * have run the retry, is gone).
 */
class PublishAtShutdownIT {

    @EventType("it.refused")
    record Refused(int n) {
    }

    @Test
    void aPublishWaitingToBeTriedAgainFailsWhenTheBusShutsDown() {
        try (RedisServer redis = RedisServer.start()) {
            // the type's stream key holds a string: every XADD fails with WRONGTYPE and is tried again
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().set(RedisKeys.stream("herald", "it.refused"), "not a stream");
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            EventBus bus = RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).source("refusing")
                    .publishTimeout(Duration.ofSeconds(60)).build();
            bus.start();
            CompletableFuture<?> published = bus.publish(new Refused(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> bus.health().transport(StreamsHealth.class)
                    .map(StreamsHealth::publishRetries).orElse(0L) >= 3);

            bus.shutdown(Duration.ofSeconds(1));

            assertThat(published).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .havingRootCause().satisfiesAnyOf(
                            e -> assertThat(e).hasMessageContaining("WRONGTYPE"),
                            e -> assertThat(e).hasMessageContaining("before the bus closed"));
        }
    }
}
