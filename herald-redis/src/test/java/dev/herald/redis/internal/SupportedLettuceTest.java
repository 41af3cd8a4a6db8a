package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.redis.RedisEventBus;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.Test;

class SupportedLettuceTest {

    @Test
    void aLettuceBelowTheRangeIsRefusedNamingTheVersionFoundAndTheRange() {
        assertThatThrownBy(() -> SupportedLettuce.check("6.5.5.RELEASE/4d2a8ce"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lettuce-core 6.5.5.RELEASE;").hasMessageContaining("Lettuce 6.6 to 7.x");
        assertThatThrownBy(() -> SupportedLettuce.check("5.3.7.RELEASE")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lettuce-core 5.3.7.RELEASE");
    }

    @Test
    void theOldestSupportedANewerAndAnUnknownVersionAreAccepted() {
        assertThatCode(() -> SupportedLettuce.check("6.6.0.RELEASE")).doesNotThrowAnyException();
        assertThatCode(() -> SupportedLettuce.check("6.8.2.RELEASE/abc1234")).doesNotThrowAnyException();
        assertThatCode(() -> SupportedLettuce.check("7.7.0.RELEASE")).doesNotThrowAnyException();
        assertThatCode(() -> SupportedLettuce.check(null)).doesNotThrowAnyException();
        assertThatCode(() -> SupportedLettuce.check("unknown")).doesNotThrowAnyException();
    }

    @Test
    void theLettuceOnTheClassPathIsAcceptedByBuild() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:1");
        try {
            assertThatCode(SupportedLettuce::require).doesNotThrowAnyException();
            // read from lettuce-core's own pom.properties, which a shaded jar (herald.jar) keeps
            assertThat(SupportedLettuce.version()).matches("\\d+\\.\\d+\\.\\d+\\.RELEASE");
            assertThatCode(() -> RedisEventBus.builder(client).build().shutdown()).doesNotThrowAnyException();
        } finally {
            client.shutdown();
        }
    }
}
