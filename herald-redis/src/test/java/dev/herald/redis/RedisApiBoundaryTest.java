package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testkit.ApiBoundary;
import org.junit.jupiter.api.Test;

class RedisApiBoundaryTest {

    @Test
    void noPublicSignatureOfHeraldRedisApiPackageNamesAnInternalType() {
        assertThat(ApiBoundary.violations(RedisEventBus.class)).isEmpty();
    }
}
