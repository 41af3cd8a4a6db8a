package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.EventBus;
import dev.herald.RetryPolicy;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Actuator endpoint herald over HTTP, with its write operations allowed
 * ({@code management.endpoint.herald.access=unrestricted}), in a web application on a
 * redis-server with a password; and the health indicator herald at /actuator/health/herald.
 */
@DirtiesContext
@SpringBootTest(classes = {EndpointListeners.App.class, HeraldEndpointIT.StopRedis.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.application.name=orders-service",
        "herald.prefix=endpoint-it",
        "herald.retry.max-attempts=4",
        "management.endpoints.web.exposure.include=health,herald",
        "management.endpoint.health.show-details=always",
        "management.endpoint.herald.access=unrestricted"})
class HeraldEndpointIT {

    static final String PASSWORD = "endpoint-s3cret";
    static final RedisServer redis = RedisServer.builder().password(PASSWORD).start();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.port", redis::port);
        registry.add("spring.data.redis.password", () -> PASSWORD);
    }

    @Autowired
    EventBus bus;

    @Autowired
    EndpointListeners listeners;

    @Value("${local.server.port}")
    int port;

    Actuator actuator;
    final List<Actuator.Response> responses = new ArrayList<>();

    @BeforeEach
    void setUp() {
        actuator = new Actuator(port);
        bus.deadLetters().purge();
        listeners.billingFails = true;
    }

    @AfterEach
    void noResponseShowsThePassword() {
        assertThat(responses).isNotEmpty().allSatisfy(r -> assertThat(r.body()).doesNotContain(PASSWORD));
    }

    @Test
    void theEndpointListsTheSubscriptionsWithTheirOptionsAndTheHealth() {
        JsonNode root = ok(actuator.get("/herald"));
        assertThat(root.path("status").asText()).isEqualTo("UP");
        assertThat(root.path("health").path("mode").asText()).isEqualTo("pubsub");
        assertThat(root.path("health").path("subscriptions").asInt()).isEqualTo(2);
        JsonNode billing = Actuator.subscription(root.path("subscriptions"), "billing");
        assertThat(billing.path("eventType").asText()).isEqualTo("test.order-placed");
        assertThat(billing.path("concurrency").asInt()).isEqualTo(2);
        assertThat(billing.path("retry").path("maxAttempts").asInt()).isEqualTo(1);
        assertThat(billing.path("method").asText()).contains("EndpointListeners.bill(OrderPlaced)");
        assertThat(billing.has("queueCapacity")).isTrue();
        JsonNode confirm = Actuator.subscription(ok(actuator.get("/herald/subscriptions")), "confirm");
        assertThat(confirm.path("concurrency").asInt()).isEqualTo(1);
        assertThat(confirm.path("retry").path("maxAttempts").asInt()).as("the bus's policy, herald.retry.*").isEqualTo(4);
        assertThat(confirm.path("retry").path("initialDelay").asText()).isEqualTo(RetryPolicy.defaults().initialDelay().toString());
        assertThat(ok(actuator.get("/herald/health")).path("status").asText()).isEqualTo("UP");
        assertThat(actuator.get("/herald/no-such-section").status()).isEqualTo(404);
    }

    @Test
    void theHealthIndicatorIsOnTheHealthEndpoint() {
        JsonNode health = ok(actuator.get("/health/herald"));
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("mode").asText()).isEqualTo("pubsub");
        assertThat(health.path("details").path("subscriptions").asInt()).isEqualTo(2);
        assertThat(health.path("details").path("deadLetterQueue").asLong()).isZero();
    }

    @Test
    void aFailedEventIsADeadLetterWithItsReasonAndAReplayDeliversItAgain() {
        bus.publish(new OrderPlaced("order-1")).join();
        JsonNode letter = theOnlyDeadLetter();
        assertThat(letter.path("reason").asText()).isEqualTo("HANDLER_FAILED");
        assertThat(letter.path("handler").asText()).isEqualTo("billing");
        assertThat(letter.path("eventType").asText()).isEqualTo("test.order-placed");
        assertThat(letter.path("error").asText()).contains("card declined for order-1");
        assertThat(letter.path("rawMessage").isNull()).as("a list leaves the raw message out").isTrue();
        String id = letter.path("id").asText();

        JsonNode whole = ok(actuator.get("/herald/dead-letters/" + id));
        assertThat(whole.path("rawMessage").asText()).contains("order-1");
        assertThat(whole.path("errorClass").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(whole.path("truncated").asBoolean()).isFalse();
        assertThat(actuator.get("/herald/dead-letters/0-1").status()).isEqualTo(404);

        listeners.billingFails = false;
        JsonNode replay = ok(actuator.post("/herald/dead-letters/" + id));
        assertThat(replay.path("outcome").asText()).isEqualTo("replayed");
        assertThat(listeners.billed).containsExactly("order-1");
        assertThat(ok(actuator.get("/herald/dead-letters")).path("count").asLong()).isZero();
        assertThat(keep(actuator.post("/herald/dead-letters/" + id)).status()).as("replaying it again").isEqualTo(400);
    }

    @Test
    void aReplayThatFailsAgainSaysWhyAndKeepsTheDeadLetter() {
        bus.publish(new OrderPlaced("order-2")).join();
        String id = theOnlyDeadLetter().path("id").asText();

        JsonNode replay = ok(actuator.post("/herald/dead-letters/" + id));
        assertThat(replay.path("outcome").asText()).isEqualTo("failed");
        assertThat(replay.path("error").asText()).contains("card declined for order-2");
        assertThat(ok(actuator.get("/herald/dead-letters")).path("count").asLong()).isEqualTo(1);
    }

    @Test
    void deleteRemovesOneDeadLetterAndPurgeAll() {
        bus.publish(new OrderPlaced("order-3")).join();
        String id = theOnlyDeadLetter().path("id").asText();

        assertThat(ok(actuator.delete("/herald/dead-letters/" + id)).path("deleted").asBoolean()).isTrue();
        assertThat(ok(actuator.get("/herald/dead-letters")).path("count").asLong()).isZero();
        assertThat(ok(actuator.delete("/herald/dead-letters/" + id)).path("deleted").asBoolean()).isFalse();

        bus.publish(new OrderPlaced("order-4")).join();
        bus.publish(new OrderPlaced("order-5")).join();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ok(actuator.get("/herald/dead-letters")).path("count").asLong() == 2);
        assertThat(ok(actuator.get("/herald/dead-letters?limit=1")).path("deadLetters").size()).isEqualTo(1);
        assertThat(keep(actuator.get("/herald/dead-letters?limit=0")).status()).isEqualTo(400);
        assertThat(ok(actuator.delete("/herald/dead-letters")).path("purged").asLong()).isEqualTo(2);
        assertThat(keep(actuator.delete("/herald/subscriptions")).status()).isEqualTo(400);
    }

    private JsonNode theOnlyDeadLetter() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ok(actuator.get("/herald/dead-letters")).path("count").asLong() == 1);
        JsonNode list = ok(actuator.get("/herald/dead-letters")).path("deadLetters");
        assertThat(list.size()).isEqualTo(1);
        return list.get(0);
    }

    private Actuator.Response keep(Actuator.Response response) {
        responses.add(response);
        return response;
    }

    private JsonNode ok(Actuator.Response response) {
        keep(response);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    static class StopRedis {

        /** Stops the redis-server as the context closes (@DirtiesContext), after the bus. */
        @Bean
        DisposableBean stopRedis() {
            return redis::close;
        }
    }
}
