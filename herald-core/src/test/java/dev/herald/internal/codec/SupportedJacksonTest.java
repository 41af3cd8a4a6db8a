package dev.herald.internal.codec;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.Version;
import dev.herald.memory.InMemoryEventBus;
import org.junit.jupiter.api.Test;

class SupportedJacksonTest {

    private static Version version(int major, int minor, int patch) {
        return new Version(major, minor, patch, null, "com.fasterxml.jackson.core", "jackson-databind");
    }

    @Test
    void aJacksonBelowTheRangeIsRefusedNamingTheVersionFoundAndTheRange() {
        assertThatThrownBy(() -> SupportedJackson.check("jackson-databind", version(2, 14, 3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jackson-databind 2.14.3").hasMessageContaining("2.15 or a later 2.x");
        assertThatThrownBy(() -> SupportedJackson.check("jackson-core", version(3, 0, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("jackson-core 3.0.0");
    }

    @Test
    void theOldestSupportedAndTheJacksonOnTheClassPathAreAccepted() {
        assertThatCode(() -> SupportedJackson.check("jackson-databind", version(2, 15, 0))).doesNotThrowAnyException();
        assertThatCode(SupportedJackson::require).doesNotThrowAnyException();
        assertThatCode(() -> InMemoryEventBus.builder().build()).doesNotThrowAnyException();
    }
}
