package dev.herald.redis.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's Streams example, verbatim between the markers, run against a real redis-server. */
class StreamsExampleIT {

    @EventType("payment.captured")
    record PaymentCaptured(String paymentId, long cents) implements DomainEvent {
    }

    @Test
    void readmeExample() {
        try (RedisServer redis = RedisServer.start()) {
            String redisUri = redis.uri();
            List<String> booked = new CopyOnWriteArrayList<>();
            EventBus shop = RedisEventBus.builder(redisUri).mode(RedisEventBus.Mode.STREAMS).source("shop").build();
            shop.start();

            // README-EXAMPLE-START
            RedisEventBus ledger = RedisEventBus.builder(redisUri)     // e.g. "redis://localhost:6379"
                    .mode(RedisEventBus.Mode.STREAMS)
                    .source("ledger-service")                          // instances of one source share the work
                    .visibilityTimeout(Duration.ofSeconds(30))         // a dead instance's work is taken over after this
                    .build();
            ledger.subscribe(PaymentCaptured.class, "book-payment", e -> booked.add(e.payload().paymentId()));
            ledger.start();

            shop.publish(new PaymentCaptured("p-1", 4200)).join();  // kept in Redis until every group has it
            // README-EXAMPLE-END
            await().until(() -> booked.size() == 1);
            // README-EXAMPLE-START

            // later, after fixing a bug in book-payment: hand it the last hour's events again, and only to it
            ledger.replayFrom("payment.captured", "book-payment", Instant.now().minus(Duration.ofHours(1)));
            // README-EXAMPLE-END

            await().until(() -> booked.size() == 2);
            assertThat(booked).containsExactly("p-1", "p-1");
            ledger.shutdown();
            shop.shutdown();
        }
    }
}
