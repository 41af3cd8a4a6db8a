package dev.herald.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.EventBus;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/** The example application on a real redis-server, through its HTTP API and Actuator. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // closes the context after the class, and with it the redis-server (RedisConfiguration)
class OrdersApplicationIT {

    private static final RedisServer REDIS = RedisServer.start();

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", REDIS::uri);
    }

    /** Stops the redis-server when the context closes: after the bus, which needs it to shut down. */
    @TestConfiguration
    static class RedisConfiguration {
        @Bean(destroyMethod = "close")
        RedisServer redisServer() {
            return REDIS;
        }
    }

    @Autowired
    private EventBus bus;

    @Value("${local.server.port}")
    private int port;

    @Test
    void anOrderPlacedIsConfirmed() {
        Map<String, Object> placed = place("book", 2, "ann@example.com");
        String orderId = (String) placed.get("orderId");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(list("/confirmations"))
                .anySatisfy(c -> assertThat(c).asInstanceOf(MAP)
                        .containsEntry("orderId", orderId).containsEntry("eventId", placed.get("eventId"))));
        assertThat(json("/orders/" + orderId).get("deadLetters")).asInstanceOf(LIST).isEmpty();
    }

    @Test
    void anOrderInvoicingRefusesEndsInTheDeadLettersWithTheListenersNameAndReason() {
        Map<String, Object> placed = place("crate", 500, "bob@example.com");
        String eventId = (String) placed.get("eventId");

        DeadLetter deadLetter = await().atMost(Duration.ofSeconds(10)).until(
                () -> bus.deadLetters().list(100).stream().filter(d -> eventId.equals(d.eventId())).findFirst(),
                found -> found.isPresent()).orElseThrow();
        assertThat(deadLetter.handler()).isEqualTo("invoicing");
        assertThat(deadLetter.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
        assertThat(deadLetter.attempts()).as("herald.handlers.invoicing.retry.max-attempts").isEqualTo(4);
        assertThat(deadLetter.error()).contains("IllegalStateException", "credit limit exceeded: 500 x crate");

        String orderId = (String) placed.get("orderId");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(json("/orders/" + orderId).get("deadLetters"))
                .as("confirmed all the same, and its dead letter shown").asInstanceOf(LIST)
                .singleElement().asInstanceOf(MAP)
                .containsEntry("handler", "invoicing").containsEntry("reason", "HANDLER_FAILED"));
    }

    @Test
    void aBadOrderIsRefusedWithTheReason() {
        ResponseEntity<Map<String, Object>> response = client().post().uri("/orders").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("item", "book", "quantity", 0, "email", "ann@example.com"))
                .exchange((request, answer) -> ResponseEntity.status(answer.getStatusCode()).body(answer.bodyTo(JSON)));
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.getBody()).containsEntry("message", "quantity must be at least 1, not 0");
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthShowsHeraldUpWithItsDetails() {
        Map<String, Object> health = json("/actuator/health");
        Map<String, Object> herald = (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("herald");
        assertThat(herald).containsEntry("status", "UP");
        assertThat((Map<String, Object>) herald.get("details")).containsEntry("mode", "streams")
                .containsEntry("subscriptions", 2).containsKey("deadLetterQueue");
    }

    @Test
    void theHeraldEndpointListsDeadLettersAndIsReadOnly() {
        String eventId = (String) place("poison", 1, "dee@example.com").get("eventId");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(json("/actuator/herald/dead-letters").get("deadLetters"))
                .asInstanceOf(LIST)
                .anySatisfy(d -> assertThat(d).asInstanceOf(MAP).containsEntry("eventId", eventId).containsEntry("handler", "invoicing")));
        HttpStatusCode delete = client().delete().uri("/actuator/herald/dead-letters")
                .exchange((request, answer) -> answer.getStatusCode());
        assertThat(delete).as("DELETE while the endpoint is read-only").isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
    }

    @Test
    void metricsListHeraldsMeters() {
        place("pen", 1, "cy@example.com");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(json("/actuator/metrics").get("names"))
                .asInstanceOf(LIST)
                .contains("herald.publish", "herald.process", "herald.dlq.size", "herald.health"));
        assertThat(json("/actuator/metrics/herald.dlq.size")).containsEntry("name", "herald.dlq.size");
    }

    private Map<String, Object> place(String item, int quantity, String email) {
        ResponseEntity<Map<String, Object>> response = client().post().uri("/orders")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("item", item, "quantity", quantity, "email", email))
                .retrieve().toEntity(JSON);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(response.getBody()).containsKeys("orderId", "eventId");
        return response.getBody();
    }

    private Map<String, Object> json(String path) {
        return client().get().uri(path).retrieve().body(JSON);
    }

    private List<?> list(String path) {
        return client().get().uri(path).retrieve().body(List.class);
    }

    private RestClient client() {
        return RestClient.create("http://localhost:" + port);
    }
}
