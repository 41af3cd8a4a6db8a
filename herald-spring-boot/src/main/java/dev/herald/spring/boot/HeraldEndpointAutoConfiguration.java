package dev.herald.spring.boot;

import dev.herald.EventBus;
import dev.herald.RetryPolicy;
import dev.herald.spring.internal.BusLifecycle;
import dev.herald.spring.internal.BusProperties;
import dev.herald.spring.internal.HealthDetails;
import dev.herald.spring.internal.HeraldEndpoint;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator endpoint {@code herald} of the application's {@link EventBus} (Spring Boot 4 and
 * 3.5, whose endpoint API is the same): its health, subscriptions and dead letters; replay and
 * delete of dead letters only with {@code management.endpoint.herald.access=unrestricted} (it is
 * read-only by default). Made when the endpoint is available, like any other: exposed
 * ({@code management.endpoints.web.exposure.include=herald}) and not turned off
 * ({@code management.endpoint.herald.access=none}).
 */
@AutoConfiguration(after = HeraldListenerAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
        "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnSingleCandidate(EventBus.class)
public class HeraldEndpointAutoConfiguration {

    /** How long a replay through the endpoint waits for the handler before answering. */
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(10);

    /** The name of {@link HeraldAutoConfiguration}'s bus bean. */
    private static final String AUTO_CONFIGURED_BUS = "heraldEventBus";

    /** For Spring. */
    public HeraldEndpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    HeraldEndpoint heraldEndpoint(EventBus bus, ObjectProvider<BusLifecycle> lifecycle,
            ObjectProvider<HeraldProperties> properties, BeanFactory beans) {
        return new HeraldEndpoint(bus, new HealthDetails(bus), () -> {
            BusLifecycle l = lifecycle.getIfUnique();
            return l == null ? Map.of() : l.subscribed();
        }, busRetry(bus, properties, beans), REPLAY_WAIT);
    }

    /**
     * The retry policy of the auto-configured bus, herald.retry.* over Herald's defaults, as
     * {@link HeraldAutoConfiguration} sets it (a {@link HeraldBusCustomizer} that sets another is
     * not seen); null for a bus of the application's own, whose builder set its policy.
     */
    private static @Nullable RetryPolicy busRetry(EventBus bus, ObjectProvider<HeraldProperties> properties, BeanFactory beans) {
        HeraldProperties p = properties.getIfUnique();
        boolean autoConfigured = beans.containsBean(AUTO_CONFIGURED_BUS) && beans.getBean(AUTO_CONFIGURED_BUS) == bus;
        return autoConfigured && p != null ? BusProperties.busRetry(p) : null;
    }
}
