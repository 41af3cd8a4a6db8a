package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.spi.Transport;
import org.junit.jupiter.api.Test;

public class CoreApiBoundaryTest {

    @Test
    void noPublicSignatureOfHeraldCoresApiPackagesNamesAnInternalType() {
        assertThat(ApiBoundary.violations(EventBus.class)).isEmpty();
        assertThat(ApiBoundary.violations(Transport.class)).isEmpty();
        assertThat(ApiBoundary.violations(InMemoryEventBus.class)).isEmpty();
    }

    @Test
    void theCheckFindsAnInternalTypeInAPublicSignature() {
        assertThat(ApiBoundary.violations(Leaky.class))
                .anySatisfy(v -> assertThat(v).contains("Leaky").contains("dev.herald.internal.bus.TransportEventBus"));
    }

    /** A public class whose public method returns an internal type: what the check must catch. */
    public static final class Leaky {
        public dev.herald.internal.bus.@org.jspecify.annotations.Nullable TransportEventBus leak() {
            return null;
        }
    }
}
