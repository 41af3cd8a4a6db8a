package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.EventBus;
import dev.herald.spring.internal.HeraldEndpoint;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Actuator endpoint herald as it is by default: read-only, replay and delete not mapped; and
 * made only when it is available (exposed, its access not 'none').
 */
@DirtiesContext
@SpringBootTest(classes = {EndpointListeners.App.class, HeraldEndpointReadOnlyIT.StopRedis.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"herald.prefix=endpoint-read-only-it", "management.endpoints.web.exposure.include=herald"})
class HeraldEndpointReadOnlyIT {

    static final RedisServer redis = RedisServer.start();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.port", redis::port);
    }

    @Autowired
    EventBus bus;

    @Autowired
    EndpointListeners listeners;

    @Value("${local.server.port}")
    int port;

    @Test
    void theDeadLettersAreListedButReplayAndDeleteAreRefused() {
        Actuator actuator = new Actuator(port);
        assertThat(Actuator.subscription(actuator.get("/herald/subscriptions").json(), "billing").path("concurrency").asInt())
                .isEqualTo(2);
        bus.publish(new OrderPlaced("order-1")).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> actuator.get("/herald/dead-letters").json().path("count").asLong() == 1);
        JsonNode letter = actuator.get("/herald/dead-letters").json().path("deadLetters").get(0);
        assertThat(letter.path("error").asText()).contains("card declined for order-1");
        String id = letter.path("id").asText();
        listeners.billingFails = false;

        assertThat(actuator.post("/herald/dead-letters/" + id).status()).isEqualTo(405);
        assertThat(actuator.delete("/herald/dead-letters/" + id).status()).isEqualTo(405);
        assertThat(actuator.delete("/herald/dead-letters").status()).isEqualTo(405);
        assertThat(actuator.get("/herald/dead-letters/" + id).status()).as("the dead letter stays").isEqualTo(200);
        assertThat(listeners.billed).isEmpty();
    }

    @Test
    void theEndpointIsMadeOnlyWhenExposedAndNotTurnedOff() {
        ApplicationContextRunner runner = Contexts.on(redis).withPropertyValues("herald.prefix=endpoint-available-it")
                .withConfiguration(AutoConfigurations.of(HeraldEndpointAutoConfiguration.class));
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HeraldEndpoint.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=herald")
                .run(context -> assertThat(context).hasSingleBean(HeraldEndpoint.class));
        // upper case: a context runner's environment lacks Boot's relaxed conversion to enums
        runner.withPropertyValues("management.endpoints.web.exposure.include=*", "management.endpoint.herald.access=NONE")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HeraldEndpoint.class));
    }

    static class StopRedis {

        /** Stops the redis-server as the context closes (@DirtiesContext), after the bus. */
        @Bean
        DisposableBean stopRedis() {
            return redis::close;
        }
    }
}
