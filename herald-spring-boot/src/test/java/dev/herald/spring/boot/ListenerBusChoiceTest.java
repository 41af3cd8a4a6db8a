package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** Which bus listener methods go to when the application has several, or none. */
class ListenerBusChoiceTest {

    private final ApplicationContextRunner runner = InMemoryContexts.runner();

    @Test
    void listenerMethodsWithTwoBusesAndNoPrimaryFailStartupNamingTheBuses() {
        runner.withUserConfiguration(TwoBuses.class, InMemoryContexts.OneListener.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .hasMessageContaining("Listener.on(OrderPlaced) of bean 'listeners'")
                    .hasMessageContaining("2 EventBus beans, [first, second]")
                    .hasMessageContaining("mark the one to subscribe them to @Primary");
        });
    }

    @Test
    void listenerMethodsWithNoBusFailStartup() {
        runner.withUserConfiguration(InMemoryContexts.OneListener.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("the context has no EventBus bean: define one");
        });
    }

    @Test
    void listenerMethodsGoToThePrimaryBus() {
        runner.withUserConfiguration(TwoBuses.class, PrimaryBus.class, InMemoryContexts.OneListener.class).run(context -> {
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
}
