package dev.herald.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The throw-away Redis: started only when no Redis is configured, and stopped at exit. */
class ThrowAwayRedisTest {

    private final List<Runnable> atExit = new ArrayList<>();

    @Test
    void withNoRedisConfiguredItStartsOneAndStopsItAtExit() {
        StandardEnvironment environment = new StandardEnvironment();
        // whatever SPRING_DATA_REDIS_URL the machine has
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        prepare(environment);

        String url = environment.getProperty("spring.data.redis.url");
        assertThat(url).startsWith("redis://127.0.0.1:").doesNotEndWith(":6379");
        assertThat(ping(url)).isEqualTo("PONG");
        assertThat(atExit).as("what stops it").hasSize(1);

        stopAtExit();
        assertThatThrownBy(() -> new Socket("127.0.0.1", URI.create(url).getPort()).close())
                .as("the server stopped").isInstanceOf(ConnectException.class);
    }

    /** Runs what the listener left for the application's exit, as Spring Boot's shutdown hook would. */
    @AfterEach
    void stopAtExit() {
        atExit.forEach(Runnable::run);
        atExit.clear();
    }

    @Test
    void aRedisInSpringDataRedisPropertiesIsUsedAsItIs() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("application", Map.of("spring.data.redis.host", "redis.example")));
        prepare(environment);

        assertThat(environment.getProperty("spring.data.redis.url")).isNull();
        assertThat(atExit).isEmpty();
    }

    @Test
    void aRedisInTheEnvironmentVariableIsUsedAsItIs() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("SPRING_DATA_REDIS_URL", "redis://redis.example:6380")));
        prepare(environment);

        assertThat(environment.getProperty("spring.data.redis.url")).isEqualTo("redis://redis.example:6380");
        assertThat(atExit).isEmpty();
    }

    private void prepare(StandardEnvironment environment) {
        new ThrowAwayRedis(atExit::add).onApplicationEvent(new ApplicationEnvironmentPreparedEvent(
                new DefaultBootstrapContext(), new SpringApplication(), new String[0], environment));
    }

    private static String ping(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().ping();
        } finally {
            client.shutdown();
        }
    }
}
