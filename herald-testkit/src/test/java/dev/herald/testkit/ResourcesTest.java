package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {

    private final List<String> closed = new ArrayList<>();

    private AutoCloseable named(String name) {
        return () -> closed.add(name);
    }

    private AutoCloseable failing(String name, Exception failure) {
        return () -> {
            closed.add(name);
            throw failure;
        };
    }

    @Test
    void resourcesAreClosedTheLastAddedFirstAndOnlyOnce() throws Exception {
        Resources resources = new Resources();
        AutoCloseable server = named("server");
        assertThat(resources.add(server)).as("add returns what it was given").isSameAs(server);
        resources.add(named("client"));
        resources.add(named("bus"));

        resources.close();
        assertThat(closed).containsExactly("bus", "client", "server");

        resources.close();
        assertThat(closed).as("closed resources are forgotten").hasSize(3);
        resources.add(named("next test's bus"));
        resources.close();
        assertThat(closed).last().isEqualTo("next test's bus");
    }

    @Test
    void everyResourceIsClosedAndTheFirstFailureIsThrownWithTheLaterOnesSuppressed() {
        Resources resources = new Resources();
        IOException serverFailure = new IOException("server");
        IllegalStateException busFailure = new IllegalStateException("bus");
        resources.add(failing("server", serverFailure));
        resources.add(named("client"));
        resources.add(failing("bus", busFailure));

        assertThatThrownBy(resources::close).isSameAs(busFailure)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(serverFailure));
        assertThat(closed).containsExactly("bus", "client", "server");
    }

    @Test
    void aFailedAssertionWhileClosingIsThrownAsItIsAfterTheOthersWereClosed() {
        Resources resources = new Resources();
        IOException serverFailure = new IOException("server");
        resources.add(failing("server", serverFailure));
        resources.add(() -> {
            closed.add("check");
            throw new AssertionError("left pending");
        });

        assertThatThrownBy(resources::close).isInstanceOf(AssertionError.class).hasMessage("left pending")
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(serverFailure));
        assertThat(closed).containsExactly("check", "server");
    }

    @Test
    void aResourceAddedWhileClosingIsClosedToo() throws Exception {
        Resources resources = new Resources();
        resources.add(named("first"));
        resources.add(() -> resources.add(named("added while closing")));

        resources.close();
        assertThat(closed).containsExactly("added while closing", "first");
    }
}
