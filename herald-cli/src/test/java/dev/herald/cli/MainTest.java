package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoOnAThrowAwayRedisHandlesEveryOrderAndDeadLettersTheFailingOne() {
        assertThat(run("demo", "4")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("started a throw-away redis-server").contains("Redis Pub/Sub");
        assertDemoResult();
    }

    @Test
    void theDemoRunsInMemoryOnRequest() {
        assertThat(run("demo", "--in-memory", "4")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("in-memory transport");
        assertDemoResult();
    }

    private void assertDemoResult() {
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("published 4 orders; 3 confirmations sent")
                .contains("HANDLER_FAILED, handler send-confirmation, 3 attempts")
                .contains("shutdown: 11 handled, 1 dead-lettered, 0 parked, in time: true");
    }

    @Test
    void aBadArgumentIsNamedWithWhatWouldBeRight() {
        assertThat(run("demo", "many")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'many'").contains("from 1 to 1000000");
        assertThat(run("demo", "--redis")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--redis needs a URI");
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'").contains("usage");
    }
}
