package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spring.internal.BusLifecycle;
import dev.herald.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Where the bus stops among Spring Boot's own lifecycles, read from a web application's beans (a
 * higher phase stops first): after the web server has stopped taking requests and let those in
 * progress finish, and before the Redis connection factory closes.
 */
@DirtiesContext
@SpringBootTest(classes = LifecyclePhasesIT.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"herald.prefix=phases-it", "server.shutdown=graceful"})
class LifecyclePhasesIT {

    static final RedisServer redis = RedisServer.start();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.port", redis::port);
    }

    @Autowired
    ApplicationContext context;

    @Test
    void theBusStopsAfterTheWebServerAndBeforeRedis() {
        int bus = context.getBean(BusLifecycle.class).getPhase();
        int gracefulShutdown = context.getBean("webServerGracefulShutdown", SmartLifecycle.class).getPhase();
        int webServer = context.getBean("webServerStartStop", SmartLifecycle.class).getPhase();
        int redisFactory = context.getBean(LettuceConnectionFactory.class).getPhase();

        assertThat(bus).as("the bus stops after the web server's graceful shutdown, which lets requests in progress finish")
                .isLessThan(gracefulShutdown);
        assertThat(bus).as("and after the web server stopped").isLessThan(webServer);
        assertThat(bus).as("and before the Redis connection factory closes").isGreaterThan(redisFactory);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        /** Stops the redis-server as the context closes (@DirtiesContext), after the bus. */
        @Bean(destroyMethod = "close")
        RedisServer redisServer() {
            return redis;
        }
    }
}
