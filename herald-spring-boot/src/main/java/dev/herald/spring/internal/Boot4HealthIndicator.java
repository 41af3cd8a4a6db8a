package dev.herald.spring.internal;

import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The health indicator {@code herald} on Spring Boot 4 ({@link HealthDetails} has the values). Thread-safe. */
public final class Boot4HealthIndicator implements HealthIndicator {

    private final HealthDetails details;

    /**
     * @param details the bus's values
     */
    public Boot4HealthIndicator(HealthDetails details) {
        this.details = Objects.requireNonNull(details, "details");
    }

    @Override
    public Health health() {
        HealthDetails.Verdict verdict = details.verdict();
        return (verdict.up() ? Health.up() : Health.down()).withDetails(verdict.details()).build();
    }
}
