package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A herald.* property that no setting binds fails startup instead of being ignored. */
class UnknownPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class));

    @Test
    void aMisspeltPropertyFailsStartupNamingIt() {
        runner.withPropertyValues("herald.retry.max-attempt=3").run(context -> assertThat(context).getFailure()
                .hasMessageContaining("Herald has no setting herald.retry.max-attempt")
                .hasMessageContaining("Herald would ignore it"));
    }

    @Test
    void aHandlerNameWithADotOutsideBracketsFailsSayingHowToWriteIt() {
        runner.withPropertyValues("herald.handlers.orderListeners.sendConfirmation.concurrency=4",
                "herald.handlers.orderListeners.sendConfirmation.retry.max-attempts=2").run(context -> assertThat(context)
                        .getFailure()
                        .hasMessageContaining("write herald.handlers[orderListeners.sendConfirmation].concurrency")
                        .hasMessageContaining("write herald.handlers[orderListeners.sendConfirmation].retry.max-attempts")
                        .hasMessageContaining("\"[orderListeners.sendConfirmation]\":"));
    }

    @Test
    void settingsInBracketsAndHeraldsOtherPropertiesPass() {
        runner.withPropertyValues("herald.handlers[orderListeners.sendConfirmation].concurrency=4",
                "herald.handlers[orderListeners.sendConfirmation].retry.max-attempts=2", "herald.retry.max-attempts=3",
                "herald.pubsub.subscriber-buffer.messages=10", "herald.modulith.externalization.enabled=false",
                "herald.observations.meter-handler.enabled=false")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
