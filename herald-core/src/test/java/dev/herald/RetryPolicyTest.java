package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 6);

    @Test
    void nominalDelaysGrowByTheMultiplierUpToTheCap() {
        assertThat(policy.nominalDelay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.nominalDelay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.nominalDelay(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.nominalDelay(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.nominalDelay(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.nominalDelay(60)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterStaysWithinItsBoundsAndIsOffOnRequest() {
        assertThat(policy.jitter()).isEqualTo(0.25);
        assertThat(policy.delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(150));
        assertThat(policy.delay(2, () -> 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delay(2, () -> 0.999999)).isBetween(Duration.ofMillis(249), Duration.ofMillis(250));
        assertThat(policy.withoutJitter().delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.withJitter(0.5).delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void withDefaultJitterEveryDelayIsStillLongerThanTheOneBefore() {
        for (int retry = 1; retry < 3; retry++) {
            Duration longestThis = policy.delay(retry, () -> 0.999999);
            Duration shortestNext = policy.delay(retry + 1, () -> 0.0);
            assertThat(shortestNext).isGreaterThan(longestThis);
        }
    }

    @Test
    void nonRetryableTypesMatchTheirSubclasses() {
        RetryPolicy p = policy.nonRetryable(IllegalArgumentException.class);
        assertThat(p.isRetryable(new NumberFormatException())).isFalse();
        assertThat(p.isRetryable(new IllegalArgumentException())).isFalse();
        assertThat(p.isRetryable(new IOException())).isTrue();
        assertThat(policy.isRetryable(new IllegalArgumentException())).isTrue();
    }

    @Test
    void noneCallsOnceAndTheDefaultsAreDocumented() {
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
        RetryPolicy defaults = RetryPolicy.defaults();
        assertThat(defaults.maxAttempts()).isEqualTo(3);
        assertThat(defaults.initialDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.maxDelay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badValuesAreRejectedNamingTheValueAndWhatIsRight() {
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofMillis(-1), 2.0, Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialDelay").hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofMillis(1), 0.5, Duration.ofSeconds(1), 3))
                .hasMessageContaining("multiplier").hasMessageContaining(">= 1.0").hasMessageContaining("0.5");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofMillis(1), Double.NaN, Duration.ofSeconds(1), 3))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1), 3))
                .hasMessageContaining("maxDelay").hasMessageContaining("PT1S");
        assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofMillis(1), 2.0, Duration.ofSeconds(1), 0))
                .hasMessageContaining("maxAttempts").hasMessageContaining(">= 1").hasMessageContaining("0");
        assertThatThrownBy(() -> policy.withJitter(1.0)).hasMessageContaining("jitter").hasMessageContaining("1.0");
        assertThatThrownBy(() -> policy.withJitter(-0.1)).hasMessageContaining("-0.1");
        assertThatThrownBy(() -> policy.nominalDelay(0)).hasMessageContaining("1-based");
    }
}
