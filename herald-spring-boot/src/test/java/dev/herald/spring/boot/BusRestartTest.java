package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.herald.EventBus;
import dev.herald.spring.internal.BusLifecycle;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/** The bus's lifecycle when the context is stopped and started again, as Spring allows. */
class BusRestartTest {

    private final ApplicationContextRunner runner = InMemoryContexts.runner()
            .withUserConfiguration(InMemoryContexts.Bus.class, InMemoryContexts.OneListener.class);

    @Test
    void aContextStoppedAndStartedAgainStartsWithTheBusShutDown() {
        runner.run(context -> {
            BusLifecycle lifecycle = context.getBean(BusLifecycle.class);
            assertThat(lifecycle.isRunning()).isTrue();

            context.stop();
            assertThat(lifecycle.isRunning()).isFalse();
            assertThatCode(context::start).as("a shut-down bus does not fail the context's start").doesNotThrowAnyException();
            assertThat(lifecycle.isRunning()).as("the bus cannot start again").isFalse();
        });
    }

    @Test
    void aContextRestartLeavesTheBusRunningWhereSpringHasRestart() throws Exception {
        Method restart = Arrays.stream(ConfigurableApplicationContext.class.getMethods())
                .filter(m -> m.getName().equals("restart") && m.getParameterCount() == 0).findFirst().orElse(null);
        runner.run(context -> {
            BusLifecycle lifecycle = context.getBean(BusLifecycle.class);
            if (restart != null) { // Spring 7 (Boot 4): a restart skips what is not pauseable
                restart.invoke(context.getSourceApplicationContext());
            }
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(context.getBean(EventBus.class).stats().handlers()).hasSize(1);
        });
    }
}
