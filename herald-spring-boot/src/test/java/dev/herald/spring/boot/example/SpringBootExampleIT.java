package dev.herald.spring.boot.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.EventBus;
import dev.herald.HandlerStats;
import dev.herald.testkit.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's Spring Boot application ({@link OrdersApplication}, verbatim between the markers,
 * and its application.yaml), run against a real redis-server: an order posted to it is published
 * and handled by both listener methods, and Actuator shows the bus.
 */
class SpringBootExampleIT {

    private static final String YAML = "/readme-example/application.yaml";

    @Test
    void theApplicationPublishesAnOrderPostedToItAndItsListenersHandleIt() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ConfigurableApplicationContext app = SpringApplication.run(OrdersApplication.class,
                        "--spring.config.location=classpath:" + YAML, "--spring.data.redis.port=" + redis.port(),
                        "--server.port=0")) {
            String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"42\",\"cents\":9950}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            assertThat(posted.body()).as("the event's id").isNotBlank();

            EventBus bus = app.getBean(EventBus.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bus.stats().handlers())
                    .extracting(HandlerStats::handlerName, HandlerStats::handled)
                    .containsExactlyInAnyOrder(tuple("orderListeners.sendConfirmation", 1L),
                            tuple("audit", 1L)));

            JsonNode herald = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/herald"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(herald.path("status").asText()).isEqualTo("UP");
            assertThat(herald.path("health").path("mode").asText()).isEqualTo("streams");
            assertThat(herald.path("subscriptions")).anySatisfy(s -> {
                assertThat(s.path("handler").asText()).isEqualTo("orderListeners.sendConfirmation");
                assertThat(s.path("concurrency").asInt()).as("herald.handlers[...].concurrency").isEqualTo(4);
                assertThat(s.path("group").asText()).isEqualTo("orders-service:orderListeners.sendConfirmation");
            });
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/herald")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(new ObjectMapper().readTree(health.body()).path("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void theReadmeShowsTheApplicationYamlAsItIs() throws IOException {
        String yaml;
        try (InputStream in = SpringBootExampleIT.class.getResourceAsStream(YAML)) {
            assertThat(in).as(YAML).isNotNull();
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(normalized(Files.readString(Path.of("..", "README.md")))).contains(normalized(yaml));
    }

    private static String normalized(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }
}
