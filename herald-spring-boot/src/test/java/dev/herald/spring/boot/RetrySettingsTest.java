package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.RetryPolicy;
import dev.herald.SubscriptionOptions;
import dev.herald.spring.HeraldListener;
import dev.herald.spring.internal.BusLifecycle;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Retry settings merged over the policy actually applied: herald.retry.*, @Retry, herald.handlers[x].retry.*. */
class RetrySettingsTest {

    private final ApplicationContextRunner runner = InMemoryContexts.runner()
            .withUserConfiguration(InMemoryContexts.Bus.class, App.class);

    @Test
    void aHandlersInitialDelayIsJudgedAgainstTheBussMaxDelay() {
        runner.withPropertyValues("herald.retry.max-delay=60s", "herald.handlers[plain].retry.initial-delay=20s").run(context -> {
            assertThat(context).hasNotFailed();
            RetryPolicy retry = options(context, "plain").retry();
            assertThat(retry).isNotNull();
            assertThat(retry.initialDelay()).isEqualTo(Duration.ofSeconds(20));
            assertThat(retry.maxDelay()).isEqualTo(Duration.ofSeconds(60));
            assertThat(options(context, "annotated").retry()).isNotNull()
                    .satisfies(r -> assertThat(r.maxDelay()).isEqualTo(Duration.ofSeconds(60)));
        });
    }

    @Test
    void anAnnotationsInitialDelayIsJudgedAgainstTheBussMaxDelay() {
        runner.withPropertyValues("herald.retry.max-delay=60s").run(context -> {
            assertThat(context).hasNotFailed();
            RetryPolicy retry = options(context, "annotated").retry();
            assertThat(retry).isNotNull();
            assertThat(retry.initialDelay()).isEqualTo(Duration.ofSeconds(20));
            assertThat(retry.maxDelay()).isEqualTo(Duration.ofSeconds(60));
            assertThat(retry.maxAttempts()).isEqualTo(RetryPolicy.defaults().maxAttempts());
            assertThat(options(context, "plain").retry()).as("the bus's").isNull();
        });
    }

    @Test
    void anAnnotationClashingWithTheBussPolicyFailsNamingMethodHandlerAndProperty() {
        runner.withPropertyValues("herald.retry.initial-delay=10ms", "herald.retry.max-delay=50ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("@HeraldListener method Listeners.annotated(OrderPlaced) of bean 'listeners', handler 'annotated'")
                    .hasStackTraceContaining("maxDelay PT0.05S (herald.retry.max-delay) is below initialDelay PT20S"
                            + " (@HeraldListener(retry = @Retry(initialDelay = \"20s\")))")
                    .hasStackTraceContaining("set herald.handlers[annotated].retry.max-delay to at least PT20S");
        });
    }

    @Test
    void aHandlersPropertyClashingWithTheAnnotationFailsNamingBoth() {
        runner.withPropertyValues("herald.handlers[annotated].retry.max-delay=1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("handler 'annotated'")
                    .hasStackTraceContaining("maxDelay PT1S (herald.handlers[annotated].retry.max-delay) is below initialDelay PT20S");
        });
    }

    @Test
    void aBadBusPolicyFailsNamingTheProperties() {
        runner.withPropertyValues("herald.retry.initial-delay=20s").run(context -> {
            // the bus's policy is checked first, whatever the handlers' are
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("maxDelay PT10S (Herald's default) is below initialDelay PT20S (herald.retry.initial-delay)")
                    .hasStackTraceContaining("set herald.retry.max-delay to at least PT20S");
        });
        runner.withPropertyValues("herald.retry.max-attempts=0").run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("maxAttempts 0 (herald.retry.max-attempts)"));
    }

    @Test
    void aHandlerOverrideChangesOnlyWhatItSets() {
        runner.withPropertyValues("herald.retry.max-delay=60s", "herald.handlers[plain].concurrency=4", "herald.handlers[plain].ordered-by-subject=true",
                "herald.handlers[plain].retry.max-attempts=1").run(context -> {
                    SubscriptionOptions options = options(context, "plain");
                    assertThat(options.concurrency()).isEqualTo(4);
                    assertThat(options.subjectOrdered()).isTrue();
                    assertThat(options.queueCapacity()).isEqualTo(SubscriptionOptions.DEFAULT_QUEUE_CAPACITY);
                    assertThat(options.retry()).isNotNull().satisfies(r -> assertThat(r.maxAttempts()).isEqualTo(1));
                });
    }

    @Test
    void aBadHandlerOverrideFailsNamingTheProperty() {
        runner.withPropertyValues("herald.retry.max-delay=60s", "herald.handlers[plain].concurrency=0").run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("handler 'plain'").hasStackTraceContaining("herald.handlers[plain].concurrency"));
    }

    private static SubscriptionOptions options(AssertableApplicationContext context, String handler) {
        return context.getBean(BusLifecycle.class).subscribed().get(handler).options();
    }

    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Listeners listeners() {
            return new Listeners();
        }
    }

    static class Listeners {
        @HeraldListener(name = "plain")
        void plain(OrderPlaced order) {
        }

        @HeraldListener(name = "annotated", retry = @HeraldListener.Retry(initialDelay = "20s"))
        void annotated(OrderPlaced order) {
        }
    }
}
