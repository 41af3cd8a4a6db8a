package dev.herald.spring.boot;

import dev.herald.EventBus;
import dev.herald.spring.internal.BusLifecycle;
import dev.herald.spring.internal.HealthDetails;
import dev.herald.spring.internal.HeraldEndpoint;
import java.time.Duration;
import java.util.Map;
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

    /** For Spring. */
    public HeraldEndpointAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    HeraldEndpoint heraldEndpoint(EventBus bus, ObjectProvider<BusLifecycle> lifecycle) {
        return new HeraldEndpoint(bus, new HealthDetails(bus), () -> {
            BusLifecycle l = lifecycle.getIfUnique();
            return l == null ? Map.of() : l.subscribed();
        }, REPLAY_WAIT);
    }
}
