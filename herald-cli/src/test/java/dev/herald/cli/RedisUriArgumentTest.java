package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A mistaken Redis URI, from {@code --redis} or {@code $HERALD_REDIS_URI}, fails every command at
 * once, before it prints or connects anything: one line naming where the URI came from, the
 * mistake and the right form, exit code 2.
 */
class RedisUriArgumentTest {

    record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> environment, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args.toArray(String[]::new), environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertRefusedAtOnce(Run r, String... said) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as("nothing done before").isEmpty();
        assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
        assertThat(r.err()).contains(said).doesNotContain("s3cret");
    }

    @ParameterizedTest(name = "herald {0}")
    @ValueSource(strings = {"dlq list", "dlq replay 1-0", "publish cli.placed {}", "tail cli.placed", "demo 1",
        "bench --events 1 --warmup-seconds 0"})
    void aBadOptionOnAClusterUriFailsEveryCommandAtOnce(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--redis", "redis-cluster://:s3cret@127.0.0.1:7000?timeout=banana"));

        assertRefusedAtOnce(run(Map.of(), args), "--redis: 'redis-cluster://***@127.0.0.1:7000?timeout=banana' is not a Redis "
                + "Cluster URI: timeout=banana is not a duration", "such as timeout=5s", "use redis-cluster://");
    }

    @ParameterizedTest(name = "herald {0}")
    @ValueSource(strings = {"dlq list", "publish cli.placed {}", "tail cli.placed", "demo 1"})
    void aBadHeraldRedisUriFailsNamingTheVariable(String command) {
        Run r = run(Map.of("HERALD_REDIS_URI", "redis://127.0.0.1:7000;127.0.0.1:7001"), List.of(command.split(" ")));

        assertRefusedAtOnce(r, "HERALD_REDIS_URI: 'redis://127.0.0.1:7000;127.0.0.1:7001' is not a Redis URI: one server takes one",
                "redis-cluster://127.0.0.1:7000,127.0.0.1:7001");
    }

    @Test
    void eachKindOfMistakeIsNamed() {
        assertRefusedAtOnce(run(Map.of(), List.of("dlq", "list", "--redis", "redis-cluster://127.0.0.1:7000?database=3")),
                "a Redis Cluster has only database 0");
        assertRefusedAtOnce(run(Map.of(), List.of("dlq", "list", "--redis", "redis-cluster://127.0.0.1:7000;127.0.0.1:7001")),
                "nodes are separated by ',', not ';': write redis-cluster://127.0.0.1:7000,127.0.0.1:7001");
        assertRefusedAtOnce(run(Map.of(), List.of("dlq", "list", "--redis", "redis-cluster:127.0.0.1:7000")),
                "the '//' after 'redis-cluster:' is missing: write redis-cluster://127.0.0.1:7000");
        assertRefusedAtOnce(run(Map.of(), List.of("dlq", "list", "--redis", "redis://127.0.0.1:6379?frob=1")),
                "unknown option 'frob'");
        assertRefusedAtOnce(run(Map.of(), List.of("dlq", "list", "--redis", "redis:127.0.0.1:6379")),
                "write redis://127.0.0.1:6379");
    }

    @Test
    void aTimeoutThatIsNoDurationIsNamedWithTheForm() {
        assertRefusedAtOnce(run(Map.of(), List.of("dlq", "list", "--redis", "redis://127.0.0.1:6379", "--timeout", "banana")),
                "--timeout must be a duration from 1ms to 60m, such as 30s, 500ms or 2m, not 'banana'");
        assertRefusedAtOnce(run(Map.of("HERALD_TIMEOUT", "30"), List.of("tail", "cli.placed", "--redis", "redis://127.0.0.1:6379")),
                "HERALD_TIMEOUT must be a duration", "not '30'");
        assertRefusedAtOnce(run(Map.of(), List.of("demo", "--redis", "redis://127.0.0.1:6379", "--timeout", "0s")),
                "--timeout must be a duration from 1ms to 60m");
    }

    @Test
    void theInMemoryDemoIgnoresHeraldRedisUri() {
        Run r = run(Map.of("HERALD_REDIS_URI", "redis://127.0.0.1:7000;127.0.0.1:7001"), List.of("demo", "--in-memory", "2"));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("in-memory transport");
    }
}
