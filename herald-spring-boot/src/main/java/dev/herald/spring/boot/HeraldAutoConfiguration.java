package dev.herald.spring.boot;

import dev.herald.EventBus;
import dev.herald.micrometer.HeraldMeterObservationHandler;
import dev.herald.micrometer.MicrometerObserver;
import dev.herald.redis.RedisEventBus;
import dev.herald.spring.internal.BusLifecycle;
import dev.herald.spring.internal.BusProperties;
import dev.herald.spring.internal.ClientResourcesCustomization;
import dev.herald.spring.internal.FirstMeterHandler;
import dev.herald.spring.internal.PropertyNames;
import dev.herald.spring.internal.RedisBuses;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The application's {@link EventBus}: a {@link RedisEventBus} on the Redis that Spring Boot
 * configured ({@code spring.data.redis.*}), reusing its {@link LettuceConnectionFactory}'s
 * client, with the settings of {@link HeraldProperties}. Runs after Spring Boot's Redis
 * auto-configuration (Boot 4's {@code DataRedisAutoConfiguration}, Boot 3.5's
 * {@code RedisAutoConfiguration}); backs off when the application defines an {@code EventBus} of
 * its own, or has no Lettuce connection factory (with Jedis, say). With herald-micrometer and an
 * {@code ObservationRegistry}, the bus's publishes and handler runs are observed
 * ({@link MicrometerObserver}), and with a {@code MeterRegistry} too, timed by a
 * {@code HeraldMeterObservationHandler} first among the application's meter handlers.
 * {@link HeraldListenerAutoConfiguration} starts the bus.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
        // the application's MeterRegistry, and (Boot 3.5) Micrometer's meter handler, are defined before Herald's
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
@ConditionalOnClass({RedisEventBus.class, LettuceConnectionFactory.class})
@EnableConfigurationProperties(HeraldProperties.class)
@Import(ClientResourcesCustomization.class)
public class HeraldAutoConfiguration {

    /** For Spring. */
    public HeraldAutoConfiguration() {
    }

    /**
     * The bus, built and not started; {@link HeraldListenerAutoConfiguration} starts and stops it
     * with the context, and closing the context closes it.
     *
     * @param properties the settings
     * @param factory the application's Redis connection factory
     * @param environment for {@code spring.application.name} and Spring's shutdown phase timeout
     * @param customizers the application's changes to the builder
     * @return the bus
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(EventBus.class)
    @ConditionalOnBean(LettuceConnectionFactory.class)
    public RedisEventBus heraldEventBus(HeraldProperties properties, LettuceConnectionFactory factory, Environment environment,
            ObjectProvider<HeraldBusCustomizer> customizers) {
        RedisEventBus.Builder builder = BusProperties.apply(properties, RedisBuses.builder(factory),
                environment.getProperty("spring.application.name"), shutdownTimeout(properties, environment));
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    /**
     * Fails startup on a {@code herald.*} property that is no setting (misspelt, or a handler
     * name with a dot written without brackets), which would otherwise be ignored.
     *
     * @param environment the application's environment
     * @return the check, run once the context's beans are made
     */
    @Bean
    static SmartInitializingSingleton heraldPropertyNamesCheck(Environment environment) {
        return () -> PropertyNames.check(environment);
    }

    /**
     * The bus's shutdown timeout: {@code herald.shutdown-timeout}, shorter than Spring's
     * {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by default), or two thirds of it.
     */
    static Duration shutdownTimeout(HeraldProperties properties, Environment environment) {
        Duration phase = Binder.get(environment).bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .orElse(Duration.ofSeconds(30));
        return BusLifecycle.shutdownTimeout(properties.shutdownTimeout(), phase);
    }

    /** Observations of the bus, when herald-micrometer is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.herald.micrometer.MicrometerObserver", "io.micrometer.observation.ObservationRegistry"})
    static class Observations {

        /**
         * Observes the bus in the application's {@code ObservationRegistry}, if it has one; first,
         * so that the application's customizers may replace the observer.
         */
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        HeraldBusCustomizer heraldObservations(ObjectProvider<ObservationRegistry> registries) {
            return builder -> {
                ObservationRegistry registry = registries.getIfUnique();
                if (registry != null && !registry.isNoop()) {
                    builder.observer(MicrometerObserver.of(registry));
                }
            };
        }

    }

    /**
     * Herald's observations as the timers Micrometer's meter handler would make of them, at a
     * fraction of its cost per event: first of the meter handlers, which Spring Boot groups so that
     * the first supporting an observation handles it (Boot's own handles every other one). Off with
     * {@code herald.observations.meter-handler.enabled=false} (Boot's handler then times Herald's
     * observations too, with its long-task timers), or when the application defines a
     * {@code HeraldMeterObservationHandler} of its own.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.herald.micrometer.HeraldMeterObservationHandler", "io.micrometer.core.instrument.MeterRegistry"})
    @ConditionalOnProperty(name = "herald.observations.meter-handler.enabled", matchIfMissing = true)
    static class MeterHandler {

        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        @ConditionalOnMissingBean({HeraldMeterObservationHandler.class, FirstMeterHandler.class})
        FirstMeterHandler heraldMeterObservationHandler(MeterRegistry registry) {
            return new FirstMeterHandler(registry);
        }
    }
}
