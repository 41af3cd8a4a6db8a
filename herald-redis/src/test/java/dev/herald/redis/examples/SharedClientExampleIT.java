package dev.herald.redis.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.protocol.ProtocolVersion;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's two buses on one client (section "Connections"), verbatim, against a real redis-server. */
class SharedClientExampleIT {

    @EventType("order.shipped")
    record OrderShipped(String orderId) {
    }

    @Test
    void twoBusesOnOneClientEachDeliverAndShuttingOneDownLeavesTheClientToTheOther() {
        try (RedisServer redis = RedisServer.start()) {
            List<String> notified = new CopyOnWriteArrayList<>();
            List<String> recorded = new CopyOnWriteArrayList<>();

            String redisUri = redis.uri();

            // README-EXAMPLE-START
            RedisClient client = RedisClient.create(redisUri); // e.g. "redis://localhost:6379"
            client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
            EventBus notifications = RedisEventBus.builder(client).source("orders-service").build();
            EventBus orders = RedisEventBus.builder(client).source("orders-service").mode(RedisEventBus.Mode.STREAMS).build();
            // README-EXAMPLE-END

            notifications.subscribe(OrderShipped.class, "notify", e -> notified.add(e.payload().orderId()));
            orders.subscribe(OrderShipped.class, "record", e -> recorded.add(e.payload().orderId()));
            notifications.start();
            orders.start();

            notifications.publish(new OrderShipped("1")).join();
            orders.publish(new OrderShipped("2")).join();
            await().until(() -> notified.contains("1") && recorded.contains("2"));

            notifications.shutdown();
            orders.publish(new OrderShipped("3")).join(); // the shared client is the caller's: still open
            await().until(() -> recorded.contains("3"));
            orders.shutdown();
            client.shutdown();

            assertThat(notified).containsExactly("1"); // Pub/Sub and Streams keep their own keys
            assertThat(recorded).containsExactly("2", "3");
        }
    }
}
