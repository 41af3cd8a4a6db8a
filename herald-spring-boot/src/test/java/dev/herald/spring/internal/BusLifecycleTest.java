package dev.herald.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BusLifecycleTest {

    @Test
    void theShutdownTimeoutIsTwoThirdsOfSpringsPhaseTimeoutUnlessConfigured() {
        assertThat(BusLifecycle.shutdownTimeout(null, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(20));
        assertThat(BusLifecycle.shutdownTimeout(Duration.ofSeconds(5), Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aShutdownTimeoutNotShorterThanThePhaseTimeoutIsRefusedNamingBoth() {
        assertThatThrownBy(() -> BusLifecycle.shutdownTimeout(Duration.ofSeconds(30), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("herald.shutdown-timeout of PT30S")
                .hasMessageContaining("spring.lifecycle.timeout-per-shutdown-phase (PT30S)");
    }
}
