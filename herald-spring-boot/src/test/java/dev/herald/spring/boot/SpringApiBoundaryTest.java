package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spring.HeraldListener;
import dev.herald.testkit.ApiBoundary;
import org.junit.jupiter.api.Test;

class SpringApiBoundaryTest {

    @Test
    void noPublicSignatureOfTheSpringApiPackagesNamesAnInternalType() {
        assertThat(ApiBoundary.violations(HeraldListener.class)).isEmpty();
        assertThat(ApiBoundary.violations(HeraldAutoConfiguration.class)).isEmpty();
        assertThat(ApiBoundary.violations(HeraldEndpointAutoConfiguration.class)).isEmpty();
    }
}
