package dev.herald.spring.modulith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.CompletedEventPublications;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.modulith.events.EventPublication;
import org.springframework.modulith.events.Externalized;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.modulith.events.RoutingTarget;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

/**
 * Spring Modulith's externalization through Herald: an application whose transactional service
 * publishes externalized events, with Spring Modulith's JDBC event publication registry on H2,
 * a real redis-server, and a second bus on the same Redis ("another service") that receives them.
 */
@DirtiesContext
@SpringBootTest(classes = ExternalizationIT.App.class, properties = {
        "spring.application.name=orders-service",
        "herald.prefix=modulith-it",
        "herald.mode=streams",
        "herald.publish-timeout=2s",
        "spring.modulith.events.jdbc.schema-initialization.enabled=true"})
class ExternalizationIT {

    static final String COMPLETED = "order.completed";
    static final String CANCELLED = "test.modulith-order-cancelled";

    static final RedisServer redis = RedisServer.start();
    static final List<Envelope<Object>> received = new CopyOnWriteArrayList<>();
    static EventBus shipping;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.port", redis::port);
    }

    @BeforeAll
    static void startTheOtherService() {
        shipping = RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).prefix("modulith-it")
                .source("shipping").build();
        shipping.subscribe(COMPLETED, received::add);
        shipping.subscribe(CANCELLED, received::add);
        shipping.start();
    }

    @AfterAll
    static void stopTheOtherService() {
        shipping.shutdown(Duration.ofSeconds(5));
    }

    @Autowired
    Orders orders;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CompletedEventPublications completed;

    @Autowired
    IncompleteEventPublications incomplete;

    @Autowired
    EventBus bus;

    @Test
    void afterCommitTheEventArrivesUnderItsRoutingTargetAndItsPublicationIsCompleted() {
        orders.complete("1");

        Envelope<Object> event = await().atMost(Duration.ofSeconds(10)).until(() -> receivedFor("1"), e -> e != null);
        assertThat(event.type()).isEqualTo(COMPLETED);
        assertThat(event.subject()).as("the routing key").isEqualTo("1");
        assertThat(event.source()).isEqualTo("orders-service");
        assertThat(event.payload()).isEqualTo(Map.of("orderId", "1"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(completedEvents()).contains(new OrderCompleted("1"));
            assertThat(incompleteCount()).isZero();
        });
    }

    @Test
    void anEventRoutedByTheExternalizationConfigurationCarriesItsKeyAndHeaders() {
        orders.cancel("5", "out of stock");

        Envelope<Object> event = await().atMost(Duration.ofSeconds(10)).until(() -> receivedFor("5"), e -> e != null);
        assertThat(event.type()).isEqualTo(CANCELLED);
        assertThat(event.subject()).isEqualTo("5");
        assertThat(event.headers()).containsEntry("reason", "out of stock");
        assertThat(event.payload()).isEqualTo(Map.of("orderId", "5", "reason", "out of stock"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(incompleteCount()).isZero());
    }

    @Test
    void onRollbackNothingIsPublishedAndNothingIsLeftIncomplete() {
        assertThatThrownBy(() -> orders.completeThenFail("2")).hasMessage("rolled back");
        orders.complete("3"); // published after the rolled-back one would have been: its arrival bounds the wait

        await().atMost(Duration.ofSeconds(10)).until(() -> receivedFor("3") != null);
        assertThat(receivedFor("2")).isNull();
        assertThat(completedEvents()).doesNotContain(new OrderCompleted("2"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(incompleteCount()).isZero());
        assertThat(jdbc.queryForObject("select count(*) from event_publication where serialized_event like '%\"2\"%'",
                Integer.class)).isZero();
    }

    @Test
    void withRedisGoneAtCommitThePublicationStaysIncompleteAndResubmittingDeliversIt() {
        long failedBefore = bus.stats().publishFailed();
        redis.stop();
        try {
            orders.complete("4"); // commits: the publish waits for Redis up to the publish timeout, then fails
            assertThat(incompleteCount()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> bus.stats().publishFailed() > failedBefore);
            assertThat(incompleteCount()).as("not completed by a failed publish").isEqualTo(1);
        } finally {
            redis.startAgain();
        }

        // resubmitted until Redis is back and takes it; at least once, as Spring Modulith promises
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            if (incompleteCount() > 0) {
                incomplete.resubmitIncompletePublications(p -> true);
            }
            assertThat(receivedFor("4")).isNotNull();
            assertThat(incompleteCount()).isZero();
        });
        assertThat(completedEvents()).contains(new OrderCompleted("4"));
    }

    private static Envelope<Object> receivedFor(String orderId) {
        return received.stream().filter(e -> e.payload() instanceof Map<?, ?> m && orderId.equals(m.get("orderId"))).findFirst()
                .orElse(null);
    }

    private List<Object> completedEvents() {
        return completed.findAll().stream().map(EventPublication::getEvent).toList();
    }

    private int incompleteCount() {
        Integer count = jdbc.queryForObject("select count(*) from event_publication where completion_date is null", Integer.class);
        return count == null ? 0 : count;
    }

    // README-EXAMPLE-START
    @Externalized("order.completed::#{orderId()}") // Herald event type :: CloudEvents subject (SpEL on the event)
    record OrderCompleted(String orderId) {
    }
    // README-EXAMPLE-END

    /** Externalized by the application's EventExternalizationConfiguration, not by an annotation. */
    record OrderCancelled(String orderId, String reason) {
    }

    static class Orders {
        private final ApplicationEventPublisher events;

        Orders(ApplicationEventPublisher events) {
            this.events = events;
        }

        // README-EXAMPLE-START
        @Transactional
        public void complete(String orderId) {
            events.publishEvent(new OrderCompleted(orderId));
        }
        // README-EXAMPLE-END

        @Transactional
        public void cancel(String orderId, String reason) {
            events.publishEvent(new OrderCancelled(orderId, reason));
        }

        @Transactional
        public void completeThenFail(String orderId) {
            events.publishEvent(new OrderCompleted(orderId));
            throw new IllegalStateException("rolled back");
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Orders.class)
    static class App {

        @Bean
        EventExternalizationConfiguration externalization() {
            return EventExternalizationConfiguration.externalizing()
                    .select(EventExternalizationConfiguration.annotatedAsExternalized().or(OrderCancelled.class::isInstance))
                    .route(OrderCancelled.class, e -> RoutingTarget.forTarget(CANCELLED).andKey(e.orderId()))
                    .headers(OrderCancelled.class, e -> Map.of("reason", e.reason()))
                    .build();
        }

        /** Stops the redis-server as the context closes (@DirtiesContext), after the bus. */
        @Bean
        DisposableBean stopRedis() {
            return redis::close;
        }
    }
}
