package dev.herald.spring.boot;

import dev.herald.EventBus;
import dev.herald.micrometer.HeraldMetrics;
import dev.herald.spring.internal.Boot35HealthIndicator;
import dev.herald.spring.internal.Boot4HealthIndicator;
import dev.herald.spring.internal.BusLifecycle;
import dev.herald.spring.internal.BusProperties;
import dev.herald.spring.internal.HealthDetails;
import dev.herald.spring.internal.ListenerMethods;
import dev.herald.spring.internal.SingleBusCheck;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What the application's {@link EventBus} gets, whether {@link HeraldAutoConfiguration} made it or
 * the application did: {@link dev.herald.spring.HeraldListener @HeraldListener} methods
 * subscribed, the bus started with the context and shut down gracefully when it stops (in a
 * phase after the web server's and before Redis closes; see the README's "Start and stop"), a health indicator named
 * {@code herald} (Spring Boot 4 and 3.5; {@code management.health.herald.enabled=false} turns it
 * off) and, with herald-micrometer, the bus's meters ({@link HeraldMetrics}) in the application's
 * {@code MeterRegistry}.
 *
 * <p>All of it needs one {@code EventBus} (the only one, or the {@code @Primary} one); without one,
 * nothing is set up but the search for listener methods, and if there are any the application
 * fails to start, naming the {@code EventBus} beans.
 */
@AutoConfiguration(after = HeraldAutoConfiguration.class)
@ConditionalOnClass(EventBus.class)
@EnableConfigurationProperties(HeraldProperties.class)
public class HeraldListenerAutoConfiguration {

    /** For Spring. */
    public HeraldListenerAutoConfiguration() {
    }

    /**
     * Finds the {@code @HeraldListener} methods of beans as they are made.
     *
     * @return the post-processor
     */
    @Bean
    static ListenerMethods heraldListenerMethods() {
        return new ListenerMethods();
    }

    /**
     * Fails startup when listener methods were found but there is no single bus for them.
     *
     * @param beans the context's beans
     * @param methods the listener methods
     * @return the check
     */
    @Bean
    static SingleBusCheck heraldSingleBusCheck(ListableBeanFactory beans, ListenerMethods methods) {
        return new SingleBusCheck(beans, methods);
    }

    /** The bus's lifecycle, when there is one bus. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(EventBus.class)
    static class Lifecycle {

    /**
     * Starts the bus, its listener methods subscribed, and stops it.
     *
     * @param bus the bus
     * @param methods the listener methods
     * @param properties the settings
     * @param environment for Spring's shutdown phase timeout
     * @return the lifecycle
     */
    @Bean
    BusLifecycle heraldBusLifecycle(EventBus bus, ListenerMethods methods, HeraldProperties properties, Environment environment) {
        BusProperties.busRetry(properties); // a bad herald.retry.* fails here too, with an application's own bus
        return new BusLifecycle(bus, methods, properties.handlers(), properties.retry(),
                HeraldAutoConfiguration.shutdownTimeout(properties, environment));
    }
    }

    /** The bus's meters, bound by Spring Boot to each {@code MeterRegistry}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(EventBus.class)
    @ConditionalOnClass(name = {"dev.herald.micrometer.HeraldMetrics", "io.micrometer.core.instrument.binder.MeterBinder"})
    static class Metrics {

        @Bean
        HeraldMetrics heraldMetrics(EventBus bus) {
            return HeraldMetrics.of(bus);
        }
    }

    /** The health indicator {@code herald} on Spring Boot 4. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(EventBus.class)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(name = "management.health.herald.enabled", matchIfMissing = true)
    static class Boot4Health {

        @Bean
        Boot4HealthIndicator heraldHealthIndicator(EventBus bus) {
            return new Boot4HealthIndicator(new HealthDetails(bus));
        }
    }

    /** The health indicator {@code herald} on Spring Boot 3.5. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(EventBus.class)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(name = "management.health.herald.enabled", matchIfMissing = true)
    static class Boot35Health {

        @Bean
        Boot35HealthIndicator heraldHealthIndicator(EventBus bus) {
            return new Boot35HealthIndicator(new HealthDetails(bus));
        }
    }
}
