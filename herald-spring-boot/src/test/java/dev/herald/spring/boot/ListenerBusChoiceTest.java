package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.spring.HeraldListener;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** Which bus listener methods go to when the application has several, or none. */
class ListenerBusChoiceTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeraldListenerAutoConfiguration.class));

    @Test
    void listenerMethodsWithTwoBusesAndNoPrimaryFailStartupNamingTheBuses() {
        runner.withUserConfiguration(TwoBuses.class, ListenerConfig.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasMessageContaining("Listeners.on(OrderPlaced) of bean 'listeners'")
                    .hasMessageContaining("2 EventBus beans, [first, second]")
                    .hasMessageContaining("mark the one to subscribe them to @Primary");
        });
    }

    @Test
    void listenerMethodsWithNoBusFailStartup() {
        runner.withUserConfiguration(ListenerConfig.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("the context has no EventBus bean: define one");
        });
    }

    @Test
    void listenerMethodsGoToThePrimaryBus() {
        runner.withUserConfiguration(TwoBuses.class, PrimaryBus.class, ListenerConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            EventBus primary = context.getBean("primary", EventBus.class);
            assertThat(primary.stats().handlers()).extracting(h -> h.handlerName()).containsExactly("listeners.on");
            assertThat(context.getBean("first", EventBus.class).stats().handlers()).isEmpty();
        });
    }

    @Test
    void twoBusesWithoutListenerMethodsStart() {
        runner.withUserConfiguration(TwoBuses.class).run(context -> assertThat(context).hasNotFailed());
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoBuses {
        @Bean(destroyMethod = "close")
        EventBus first() {
            return InMemoryEventBus.builder().build();
        }

        @Bean(destroyMethod = "close")
        EventBus second() {
            return InMemoryEventBus.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryBus {
        @Bean(destroyMethod = "close")
        @Primary
        EventBus primary() {
            return InMemoryEventBus.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerConfig {
        @Bean
        Listeners listeners() {
            return new Listeners();
        }
    }

    static class Listeners {
        @HeraldListener
        void on(OrderPlaced order) {
        }
    }
}
