package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.Metadata;
import dev.herald.redis.RedisEventBus;
import dev.herald.spring.HeraldListener;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A Spring Boot application with listener methods, on a real redis-server. */
@DirtiesContext
@SpringBootTest(classes = HeraldListenerIT.App.class, properties = {
        "spring.application.name=orders-service",
        "herald.prefix=listener-it",
        "herald.retry.initial-delay=10ms",
        "herald.handlers[audit].concurrency=2"})
class HeraldListenerIT {

    static final RedisServer redis = RedisServer.start();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.port", redis::port);
    }

    @Autowired
    EventBus bus;

    @Autowired
    Listeners listeners;

    @Test
    void listenerMethodsPublicOrPrivateReceiveTheEventAndItsEnvelope() {
        bus.publish(new OrderPlaced("42"), Metadata.correlationId("req-7")).join();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(listeners.orders).containsExactly(new OrderPlaced("42"));
            assertThat(listeners.envelopes).hasSize(1);
        });
        Envelope<OrderPlaced> envelope = listeners.envelopes.get(0);
        assertThat(envelope.payload()).isEqualTo(new OrderPlaced("42"));
        assertThat(envelope.correlationId()).isEqualTo("req-7");
        assertThat(envelope.source()).isEqualTo("orders-service");
    }

    @Test
    void theBusIsARedisBusWithHandlersNamedByBeanAndMethodOrByTheAnnotation() {
        assertThat(bus).isInstanceOf(RedisEventBus.class);
        assertThat(bus.stats().handlers()).extracting(h -> h.handlerName())
                .contains("listeners.onOrder", "audit", "listeners.fail");
    }

    @Test
    void whatAListenerThrowsIsRetriedThenDeadLettered() {
        bus.publish(new OrderPlaced("poison")).join();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<DeadLetter> letters = bus.deadLetters().list(10);
            assertThat(letters).anySatisfy(d -> {
                assertThat(d.handler()).isEqualTo("listeners.fail");
                assertThat(d.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
                assertThat(d.attempts()).isEqualTo(2);
                assertThat(d.error()).contains("no stock for poison");
            });
        });
        assertThat(listeners.failures.get()).isEqualTo(2);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        Listeners listeners() {
            return new Listeners();
        }

        /** Stops the redis-server as the context closes (@DirtiesContext), after the bus. */
        @Bean
        DisposableBean stopRedis() {
            return redis::close;
        }
    }

    static class Listeners {
        final List<OrderPlaced> orders = new CopyOnWriteArrayList<>();
        final List<Envelope<OrderPlaced>> envelopes = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        @HeraldListener
        void onOrder(OrderPlaced order) {
            if (!order.orderId().equals("poison")) {
                orders.add(order);
            }
        }

        @HeraldListener(name = "audit") // a private method is a listener too
        private void audit(Envelope<OrderPlaced> event) {
            if (!event.payload().orderId().equals("poison")) {
                envelopes.add(event);
            }
        }

        @HeraldListener(retry = @HeraldListener.Retry(maxAttempts = 2, initialDelay = "5ms", maxDelay = "PT0.01S"))
        void fail(OrderPlaced order) {
            if (order.orderId().equals("poison")) {
                failures.incrementAndGet();
                throw new IllegalStateException("no stock for " + order.orderId());
            }
        }
    }
}
