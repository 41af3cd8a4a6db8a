package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A context that stops its bus logs the bus's shutdown report once. */
class ShutdownReportLogTest {

    @Test
    void theShutdownReportIsLoggedOnce() {
        Logger herald = (Logger) LoggerFactory.getLogger("dev.herald");
        Level level = herald.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        herald.addAppender(logged);
        herald.setLevel(Level.INFO);
        try {
            new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeraldListenerAutoConfiguration.class))
                    .withBean(EventBus.class, () -> InMemoryEventBus.builder().build())
                    .run(context -> assertThat(context).hasNotFailed());
            assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .filteredOn(e -> e.getFormattedMessage().contains("shut down"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("handled", "dead-lettered"));
        } finally {
            herald.setLevel(level);
            herald.detachAppender(logged);
        }
    }
}
