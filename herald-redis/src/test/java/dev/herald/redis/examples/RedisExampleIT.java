package dev.herald.redis.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.Metadata;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's Redis example, verbatim between the markers, run against a real redis-server. */
class RedisExampleIT {

    @EventType("order.placed")
    record OrderPlaced(String orderId, long cents) implements DomainEvent {
        @Override
        public String aggregateId() {
            return orderId;
        }
    }

    @Test
    void readmeExample() {
        try (RedisServer redis = RedisServer.start()) {
            String redisUri = redis.uri();
            List<String> confirmed = new CopyOnWriteArrayList<>();
            List<String> audited = new CopyOnWriteArrayList<>();

            // README-EXAMPLE-START
            RedisClient client = RedisClient.create(redisUri); // e.g. "redis://localhost:6379"
            EventBus bus = RedisEventBus.builder(client)
                    .source("orders-service")
                    .retry(RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 5))
                    .build();
            bus.subscribe(OrderPlaced.class, "send-confirmation", e -> confirmed.add(e.payload().orderId()));
            bus.subscribe("order.placed", "audit", e -> audited.add(e.id() + " " + e.correlationId()));
            bus.start();                                        // returns once the subscriptions are live

            bus.publish(new OrderPlaced("42", 9950)).join();    // completes once Redis accepted it
            bus.publish(new OrderPlaced("43", 100), Metadata.correlationId("req-7")).join();
            // ... later
            bus.shutdown();                                     // handlers finish what they received
            client.shutdown();
            // README-EXAMPLE-END

            await().until(() -> audited.size() == 2);
            assertThat(confirmed).containsExactly("42", "43");
            assertThat(audited.get(1)).endsWith(" req-7");
        }
    }
}
