package dev.herald.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

/** The examples beside this test ran on Spring Boot's versions, not on Herald's own. */
class ManagedVersionsIT {

    @Test
    void theClassPathHasTheLettuceAndJacksonThatSpringBootManages() {
        assertThat(RedisClient.class.getPackage().getImplementationVersion()) // such as 6.6.0.RELEASE/643bd47
                .startsWith(System.getProperty("expected.lettuce.version"));
        assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
                .isEqualTo(System.getProperty("expected.jackson.version"));
        assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString())
                .isEqualTo(System.getProperty("expected.jackson.version"));
    }
}
