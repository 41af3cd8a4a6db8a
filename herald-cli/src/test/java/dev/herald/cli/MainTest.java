package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "herald {0} {1}")
    @CsvSource({"demo, --help", "publish, --help", "tail, --help", "tail, -h", "dlq, --help", "dlq, -h", "bench, --help",
        "'dlq list', --help", "'dlq show', -h", "'dlq replay', --help", "'dlq delete', --help", "'dlq purge', --help",
        "'publish order.placed', -h", "'tail order.placed --count', --help"})
    void everyCommandAndSubcommandPrintsItsUsageOnHelpAndExitsZero(String command, String help) {
        String[] words = command.split(" ");
        String[] args = Arrays.copyOf(words, words.length + 1);
        args[words.length] = help;

        assertThat(run(args)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        String usage = words[0].equals("dlq") && words.length > 1 ? "usage: herald dlq " + words[1] : "usage: herald " + words[0];
        assertThat(text).startsWith(usage).contains("URI: redis://");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void helpNamesACommandsUsageOrEveryCommand() {
        assertThat(run("help", "tail")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: herald tail TYPE");
        out.reset();
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: herald <command>").contains("  dlq list")
                .contains("  bench").contains("help [COMMAND]");
        assertThat(run("help", "frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'");
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
