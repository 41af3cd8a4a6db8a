package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spring.HeraldListener;
import dev.herald.spring.internal.StartFailureAnalyzer;
import dev.herald.testkit.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bus that cannot start is reported as Spring Boot's "APPLICATION FAILED TO START", with Herald's reason and what to do. */
class StartFailureAnalysisIT {

    static final RedisServer redis = RedisServer.builder().password("right-password").start();

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void theAnalyzerIsRegisteredForSpringBoot() throws IOException {
        List<URL> factories = Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"));
        assertThat(factories).anySatisfy(url -> {
            try (InputStream in = url.openStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains(FailureAnalyzer.class.getName() + "=\\")
                        .contains(StartFailureAnalyzer.class.getName());
            }
        });
    }

    @Test
    void noRedisNamesTheAddressAndSaysToCheckTheRedisSettings() {
        RedisServer gone = RedisServer.start();
        gone.close();
        analysis(Contexts.on(gone).withUserConfiguration(Listener.class), analysis -> {
            assertThat(analysis.getDescription()).startsWith("The Herald bus could not start: cannot connect to redis://localhost:"
                    + gone.port());
            assertThat(analysis.getAction()).contains("Check that Redis is running").contains("spring.data.redis.host");
        });
    }

    @Test
    void aWrongPasswordGivesRedisWordsAndSaysToCheckThePassword() {
        analysis(withPassword("wrong-password").withUserConfiguration(Listener.class), analysis -> {
            assertThat(analysis.getDescription()).startsWith("The Herald bus could not start: ").containsAnyOf("WRONGPASS", "NOAUTH");
            assertThat(analysis.getAction()).contains("spring.data.redis.password");
        });
    }

    @Test
    void aHandlerOverrideOfNoListenerSaysToNameOneOfTheHandlers() {
        analysis(withPassword("right-password").withUserConfiguration(Listener.class)
                .withPropertyValues("herald.handlers[nope].concurrency=2"), analysis -> {
                    assertThat(analysis.getDescription()).contains("herald.handlers[nope] names no @HeraldListener handler");
                    assertThat(analysis.getAction()).contains("Name one of the handlers listed");
                });
    }

    @Test
    void anEventClassWithoutEventTypeSaysToAnnotateIt() {
        analysis(withPassword("right-password").withUserConfiguration(UntypedListener.class), analysis -> {
            assertThat(analysis.getDescription()).contains("cannot subscribe @HeraldListener method UntypedListener.on(Untyped)");
            assertThat(analysis.getAction()).contains("Annotate the event class with @EventType");
        });
    }

    @Test
    void otherFailuresAreLeftToSpringBoot() {
        assertThat(new StartFailureAnalyzer().analyze(new IllegalStateException("not Herald's"))).isNull();
    }

    private static ApplicationContextRunner withPassword(String password) {
        return Contexts.on(redis).withPropertyValues("spring.data.redis.password=" + password);
    }

    private static void analysis(ApplicationContextRunner runner, Consumer<FailureAnalysis> check) {
        runner.run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new StartFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("an analysis of %s", context.getStartupFailure()).isNotNull();
            check.accept(analysis);
        });
    }

    static class Listener {
        @HeraldListener(name = "billing.audit")
        void on(OrderPlaced order) {
        }
    }

    record Untyped(String id) {
    }

    static class UntypedListener {
        @HeraldListener
        void on(Untyped event) {
        }
    }
}
