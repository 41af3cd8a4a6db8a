package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spring.HeraldListener;
import dev.herald.spring.modulith.HeraldExternalizationAutoConfiguration;
import dev.herald.testkit.ApiBoundary;
import org.junit.jupiter.api.Test;

class SpringApiBoundaryTest {

    /** Each anchor checks every public class of its package (in boot: HeraldProperties and HeraldBusCustomizer too). */
    @Test
    void noPublicSignatureOfTheSpringApiPackagesNamesAnInternalType() {
        assertThat(ApiBoundary.violations(HeraldListener.class)).isEmpty();
        assertThat(ApiBoundary.violations(HeraldAutoConfiguration.class)).isEmpty();
        assertThat(ApiBoundary.violations(HeraldExternalizationAutoConfiguration.class)).isEmpty();
    }
}
