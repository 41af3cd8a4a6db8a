package dev.herald.spring.modulith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.redis.RedisEventBus;
import dev.herald.spring.modulith.ExternalizationIT.Orders;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An event committed while Redis was gone, by an application that then stopped: the next run of
 * the application, with Spring Modulith's {@code republish-outstanding-events-on-restart},
 * publishes it once its bus has started.
 */
class RepublishOnRestartIT {

    @Test
    void anEventLeftIncompleteByTheLastRunIsPublishedByTheNextOnceItsBusHasStarted() {
        List<Envelope<Object>> received = new CopyOnWriteArrayList<>();
        try (RedisServer redis = RedisServer.start()) {
            try (ConfigurableApplicationContext first = run(redis, false)) {
                redis.stop();
                first.getBean(Orders.class).complete("7");
                EventBus bus = first.getBean(EventBus.class);
                await().atMost(Duration.ofSeconds(10)).until(() -> bus.stats().publishFailed() > 0);
                assertThat(incomplete(first)).isEqualTo(1);
            }
            redis.startAgain();
            EventBus shipping = RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).prefix("republish-it")
                    .source("shipping").build();
            try {
                shipping.subscribe(ExternalizationIT.COMPLETED, received::add);
                shipping.start();

                try (ConfigurableApplicationContext second = run(redis, true)) {
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(received).extracting(Envelope::payload).containsExactly(Map.of("orderId", "7"));
                        assertThat(incomplete(second)).isZero();
                    });
                }
            } finally {
                shipping.shutdown(Duration.ofSeconds(5));
            }
        }
    }

    private static ConfigurableApplicationContext run(RedisServer redis, boolean republish) {
        return new SpringApplicationBuilder(App.class).properties(
                "spring.data.redis.port=" + redis.port(),
                "spring.modulith.events.jdbc.schema-initialization.enabled=true",
                "spring.modulith.events.republish-outstanding-events-on-restart=" + republish,
                "spring.main.banner-mode=off",
                "herald.prefix=republish-it",
                "herald.mode=streams",
                "herald.publish-timeout=1s",
                "herald.shutdown-timeout=1s").run();
    }

    private static int incomplete(ConfigurableApplicationContext context) {
        Integer count = context.getBean(JdbcTemplate.class)
                .queryForObject("select count(*) from event_publication where completion_date is null", Integer.class);
        return count == null ? 0 : count;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Orders.class)
    static class App {

        /** An in-memory database that outlives the application, as a real one would. */
        @Bean
        DataSource dataSource() {
            return new DriverManagerDataSource("jdbc:h2:mem:republish-it;DB_CLOSE_DELAY=-1");
        }
    }
}
