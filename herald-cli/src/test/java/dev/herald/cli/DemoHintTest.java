package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's closing hint names commands that work as printed, and never a password. */
class DemoHintTest extends RedisCommandTestBase {

    private static Run run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The command of the demo's "to see it: herald ..." line, split as a POSIX shell splits it. */
    private static String[] suggested(Run demo) {
        String line = demo.out().lines().filter(l -> l.contains("to see it: herald dlq show")).findFirst()
                .orElseThrow(() -> new AssertionError("no dlq command in: " + demo.out()));
        String command = line.substring(line.indexOf("herald ") + "herald ".length()).replaceFirst(" \\(with .*\\)$", "");
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : command.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                words.add(word.toString());
                word.setLength(0);
            } else {
                word.append(c);
            }
        }
        words.add(word.toString());
        return words.toArray(String[]::new);
    }

    @Test
    void theDeadLetterCommandOfADemoOnAGivenRedisWorksAsPrinted() {
        Run demo = run(Map.of(), "demo", "4", "--redis", redis.uri());
        assertThat(demo.exitCode()).as(demo.toString()).isZero();

        String[] command = suggested(demo);
        assertThat(command).containsSequence("--redis", redis.uri());
        Run shown = run(Map.of(), command);
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).contains("reason:        HANDLER_FAILED").contains("handler:       send-confirmation");
    }

    @Test
    void aUriFromTheEnvironmentWithoutAPasswordIsPrintedInTheCommand() {
        Run demo = run(Map.of("HERALD_REDIS_URI", redis.uri() + "?clientName=demo"), "demo", "3");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();

        String[] command = suggested(demo);
        assertThat(demo.out()).contains("--redis '" + redis.uri() + "?clientName=demo'"); // quoted for the shell's '?'
        assertThat(run(Map.of(), command).exitCode()).isZero();
    }

    @Test
    void aPasswordIsNeverPrintedAndTheHintSaysHowToGiveIt() {
        try (RedisServer locked = RedisServer.builder().password("s3cret").start()) {
            String uri = "redis://:s3cret@127.0.0.1:" + locked.port();
            Run fromOption = run(Map.of(), "demo", "3", "--redis", uri);
            assertThat(fromOption.exitCode()).as(fromOption.toString()).isZero();
            assertThat(fromOption.out()).doesNotContain("s3cret")
                    .contains("--redis 'redis://***@127.0.0.1:" + locked.port() + "' (with your password in place of ***)");

            Run fromEnvironment = run(Map.of("HERALD_REDIS_URI", uri), "demo", "3");
            assertThat(fromEnvironment.out()).doesNotContain("s3cret").contains("(with $HERALD_REDIS_URI set, as for this demo)");
            Run shown = run(Map.of("HERALD_REDIS_URI", uri), suggested(fromEnvironment));
            assertThat(shown.exitCode()).as(shown.toString()).isZero();
            assertThat(shown.out()).contains("HANDLER_FAILED");
        }
    }

    @Test
    void aDemoOnAThrowAwayRedisOrInMemorySuggestsNoCommandThatCannotWork() {
        Run throwAway = run(Map.of(), "demo", "3");
        assertThat(throwAway.exitCode()).as(throwAway.toString()).isZero();
        assertThat(throwAway.out()).doesNotContain("herald dlq show")
                .contains("the throw-away redis-server stops with the demo, and its dead letters with it");

        Run inMemory = run(Map.of(), "demo", "3", "--in-memory");
        assertThat(inMemory.out()).contains("dead letter").doesNotContain("herald dlq");
    }

    @Test
    void aWordIsQuotedForTheShellOnlyWhenItNeedsIt() {
        assertThat(Demo.shellWord("redis://127.0.0.1:6379/1")).isEqualTo("redis://127.0.0.1:6379/1");
        assertThat(Demo.shellWord("redis://h:1?timeout=5s&clientName=x")).isEqualTo("'redis://h:1?timeout=5s&clientName=x'");
        assertThat(Demo.shellWord("it's")).isEqualTo("'it'\\''s'");
    }
}
