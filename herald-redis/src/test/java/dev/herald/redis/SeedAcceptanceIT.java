package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.ShutdownReport;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The acceptance checklist of the user's specification (seed 01, "Критерии приёмки"), one named
 * test per point, against a real redis-server.
 */
class SeedAcceptanceIT {

    @EventType("order.placed")
    record OrderPlaced(String orderId, long cents) implements DomainEvent {
        @Override
        public String aggregateId() {
            return orderId;
        }
    }

    private final Resources resources = new Resources();
    private RedisClient client;
    private EventBus bus;

    @BeforeEach
    void start() {
        RedisServer redis = resources.add(RedisServer.start());
        client = RedisClient.create(redis.uri());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        bus = resources.add(new RedisEventBus(client)); // the seed's NewRedisEventBus(client); closing it shuts it down
    }

    @AfterEach
    void stop() throws Exception {
        resources.close();
    }

    @Test
    void redisPubSubWorks() {
        ConcurrentLinkedQueue<Envelope<OrderPlaced>> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(OrderPlaced.class, got::add);
        bus.start();

        bus.publish(new OrderPlaced("42", 9950)).join();

        await().until(() -> got.size() == 1);
        assertThat(got.peek().payload()).isEqualTo(new OrderPlaced("42", 9950));
        assertThat(got.peek().type()).isEqualTo("order.placed");
    }

    @Test
    void eventsArePublishedAsynchronously() {
        bus.subscribe(OrderPlaced.class, e -> { });
        bus.start();
        StatefulRedisConnection<String, String> admin = client.connect();
        admin.sync().clientPause(1000); // Redis holds every client's commands for a second

        long before = System.nanoTime();
        CompletableFuture<Envelope<OrderPlaced>> future = bus.publish(new OrderPlaced("1", 1));
        Duration callTook = Duration.ofNanos(System.nanoTime() - before);

        assertThat(future).as("publish returned before Redis answered").isNotDone();
        assertThat(callTook).isLessThan(Duration.ofMillis(900));
        assertThat(future.join().payload().orderId()).isEqualTo("1");
        admin.close();
    }

    @Test
    void multipleHandlersReceiveEvents() {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        List<String> byName = new CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, "first", e -> first.add(e.payload().orderId()));
        bus.subscribe(OrderPlaced.class, "second", e -> second.add(e.payload().orderId()));
        bus.subscribe("order.placed", "by-name", e -> byName.add(e.id()));
        bus.start();

        for (int i = 0; i < 10; i++) {
            bus.publish(new OrderPlaced("o" + i, i)).join();
        }

        await().until(() -> first.size() == 10 && second.size() == 10 && byName.size() == 10);
        assertThat(first).isEqualTo(second);
    }

    @Test
    void gracefulShutdownIsCorrect() {
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(OrderPlaced.class, e -> {
            Thread.sleep(2);
            handled.incrementAndGet();
        });
        bus.start();
        for (int i = 0; i < 200; i++) {
            bus.publish(new OrderPlaced("o" + i, i)).join();
        }

        ShutdownReport report = bus.shutdown(Duration.ofSeconds(30));

        assertThat(report.completedInTime()).isTrue();
        assertThat(handled.get()).as("every received event was handled before shutdown returned").isEqualTo(200);
        assertThat(report.parked()).isZero();
        assertThat(bus.publish(new OrderPlaced("late", 0))).isCompletedExceptionally();
    }
}
