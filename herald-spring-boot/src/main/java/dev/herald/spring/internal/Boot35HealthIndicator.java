package dev.herald.spring.internal;

import java.util.Objects;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The health indicator {@code herald} on Spring Boot 3.5 ({@link HealthDetails} has the values). Thread-safe. */
public final class Boot35HealthIndicator implements HealthIndicator {

    private final HealthDetails details;

    /**
     * @param details the bus's values
     */
    public Boot35HealthIndicator(HealthDetails details) {
        this.details = Objects.requireNonNull(details, "details");
    }

    @Override
    public Health health() {
        HealthDetails.Verdict verdict = details.verdict();
        return (verdict.up() ? Health.up() : Health.down()).withDetails(verdict.details()).build();
    }
}
