package dev.herald.spring.boot;

import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.spring.HeraldListener;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Contexts with Herald's listener auto-configuration on an in-memory bus: for what needs no Redis. */
final class InMemoryContexts {

    private InMemoryContexts() {
    }

    /** A runner with {@link HeraldListenerAutoConfiguration} and no bus yet. */
    static ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeraldListenerAutoConfiguration.class));
    }

    /** One in-memory bus, the bean 'bus'. */
    @Configuration(proxyBeanMethods = false)
    static class Bus {
        @Bean(destroyMethod = "close")
        EventBus bus() {
            return InMemoryEventBus.builder().build();
        }
    }

    /** The bean 'listeners', with one listener method: handler 'listeners.on'. */
    @Configuration(proxyBeanMethods = false)
    static class OneListener {
        @Bean
        Listener listeners() {
            return new Listener();
        }
    }

    static class Listener {
        @HeraldListener
        void on(OrderPlaced order) {
        }
    }
}
