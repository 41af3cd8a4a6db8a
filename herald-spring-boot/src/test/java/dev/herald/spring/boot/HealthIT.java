package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.redis.PubSubHealth;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;

/**
 * The health indicator named herald, on the Boot version of the class path (read through
 * reflection: its Health class is Boot 4's or Boot 3.5's).
 */
class HealthIT {

    @Test
    void theIndicatorReportsTheBusAndGoesDownWhileRedisIsGone() {
        try (RedisServer redis = RedisServer.start()) {
            Contexts.on(redis).withPropertyValues("herald.prefix=health-it", "herald.pubsub.heartbeat-interval=200ms",
                    "herald.pubsub.heartbeat-timeout=1s").withUserConfiguration(HeraldAutoConfigurationIT.Recording.class)
                    .run(context -> {
                        assertThat(context.getBean(RedisEventBus.class).health().transport(PubSubHealth.class)).get()
                                .as("Boot's ClientResources carry HeraldNetty.customizer()")
                                .satisfies(h -> assertThat(h.canPauseReads()).isTrue());
                        assertThat(status(context)).isEqualTo("UP");
                        assertThat(details(context)).containsEntry("mode", "pubsub").containsEntry("subscriptions", 1)
                                .containsEntry("state", "RUNNING").containsEntry("deadLetterQueue", 0L)
                                .containsKeys("missedEvents", "reconnects", "deadLettered", "detail");

                        redis.kill();
                        await().atMost(Duration.ofSeconds(15)).until(() -> status(context).equals("DOWN"));
                        redis.startAgain();
                        await().atMost(Duration.ofSeconds(30)).until(() -> status(context).equals("UP"));
                        assertThat((long) details(context).get("reconnects")).isPositive();
                    });
        }
    }

    @Test
    void whileRedisHangsTheIndicatorAnswersWithoutWaitingForTheDeadLetterCount() {
        try (RedisServer redis = RedisServer.start()) {
            Contexts.on(redis).withPropertyValues("herald.prefix=health-frozen-it").withUserConfiguration(HeraldAutoConfigurationIT.Recording.class)
                    .run(context -> {
                        assertThat(details(context)).containsEntry("deadLetterQueue", 0L);

                        redis.suspend();
                        try {
                            assertThat(details(context).get("deadLetterQueue")).asString()
                                    .isEqualTo("unknown: Redis did not answer within PT0.5S; last known 0");
                        } finally {
                            redis.resume();
                        }
                        await().atMost(Duration.ofSeconds(15)).until(() -> Long.valueOf(0).equals(details(context).get("deadLetterQueue")));
                    });
        }
    }

    private static String status(ApplicationContext context) throws ReflectiveOperationException {
        Object health = health(context);
        return health.getClass().getMethod("getStatus").invoke(health).toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(ApplicationContext context) throws ReflectiveOperationException {
        Object health = health(context);
        return (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health);
    }

    private static Object health(ApplicationContext context) throws ReflectiveOperationException {
        Object indicator = context.getBean("heraldHealthIndicator");
        return indicator.getClass().getMethod("health").invoke(indicator);
    }
}
