package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code herald publish} and {@code herald tail} against a real redis-server. */
class PublishAndTailCommandTest extends RedisCommandTestBase {

    @Test
    void tailPrintsWhatPublishSendsWithItsEnvelope() throws Exception {
        ByteArrayOutputStream tailed = new ByteArrayOutputStream();
        AtomicInteger tailExit = new AtomicInteger(-1);
        Thread tail = new Thread(() -> tailExit.set(Main.run(
                new String[] {"tail", "cli.placed", "cli.cancelled", "--count", "2", "--redis", redis.uri(), "--prefix", "t1"},
                new PrintStream(tailed, true, StandardCharsets.UTF_8), System.err)));
        tail.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> tailed.toString(StandardCharsets.UTF_8).contains("listening to"));

        Run placed = run("publish", "cli.placed", "{\"orderId\":\"42\",\"cents\":9950}", "--subject", "42",
                "--correlation-id", "req-7", "--redis", redis.uri(), "--prefix", "t1");
        assertThat(placed.exitCode()).as(placed.err()).isZero();
        assertThat(placed.out()).startsWith("published cli.placed ");
        assertThat(run("publish", "cli.cancelled", "[1,2.50]", "--redis", redis.uri(), "--prefix", "t1").exitCode()).isZero();

        tail.join(10_000);
        assertThat(tailExit.get()).isZero();
        List<String> lines = tailed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("listening to cli.placed, cli.cancelled").contains("for 2 event(s)");
        String id = placed.out().split(" ")[2];
        assertThat(lines.get(1)).contains(" cli.placed " + id + " ").contains("source=herald-cli").contains("subject=42")
                .contains("correlationid=req-7").endsWith("{\"orderId\":\"42\",\"cents\":9950}");
        assertThat(lines.get(2)).contains(" cli.cancelled ").endsWith("[1,2.50]");
    }

    /** A watching tool never writes to the service's dead-letter queue, and a message without time prints no "null". */
    @Test
    void tailFlagsAnUndecodableMessageAndGoesOnWithoutWritingADeadLetter() throws Exception {
        ByteArrayOutputStream tailed = new ByteArrayOutputStream();
        AtomicInteger tailExit = new AtomicInteger(-1);
        Thread tail = new Thread(() -> tailExit.set(Main.run(new String[] {"tail", "cli.watched", "--count", "2", "--redis", redis.uri()},
                new PrintStream(tailed, true, StandardCharsets.UTF_8), System.err)));
        tail.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> tailed.toString(StandardCharsets.UTF_8).contains("listening to"));

        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().publish("herald:cli.watched", "{not json\n  at all");
            c.sync().publish("herald:cli.watched", "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"by-hand\","
                    + "\"type\":\"cli.watched\",\"data\":{\"n\":1}}");
            Run sent = run("publish", "cli.watched", "{\"n\":2}", "--redis", redis.uri());
            assertThat(sent.exitCode()).as(sent.err()).isZero();

            tail.join(10_000);
            assertThat(tailExit.get()).isZero();
            List<String> lines = tailed.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(4);
            assertThat(lines.get(1)).startsWith("UNDECODABLE cli.watched: not valid JSON").endsWith(": {not json at all");
            assertThat(lines.get(2)).isEqualTo("- cli.watched e-1 source=by-hand {\"n\":1}");
            assertThat(lines.get(3)).contains(" cli.watched " + sent.out().split(" ")[2] + " ").endsWith("{\"n\":2}");
            assertThat(lines).noneMatch(line -> line.contains("null"));
            assertThat(c.sync().xlen("herald:dlq")).isZero();
        } finally {
            client.shutdown();
        }
    }

    /** A Redis restart under a running tail: it says so, and listens again once Redis is back. */
    @Test
    void tailSaysWhenRedisGoesAwayAndListensAgainWhenItIsBack() throws Exception {
        try (RedisServer own = RedisServer.start()) {
            ByteArrayOutputStream tailed = new ByteArrayOutputStream();
            AtomicInteger tailExit = new AtomicInteger(-1);
            Thread tail = new Thread(() -> tailExit.set(Main.run(new String[] {"tail", "cli.restarted", "--count", "1", "--redis", own.uri()},
                    new PrintStream(tailed, true, StandardCharsets.UTF_8), System.err)));
            tail.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> tailed.toString(StandardCharsets.UTF_8).contains("listening to"));

            own.kill();
            await().atMost(Duration.ofSeconds(5)).until(() -> tailed.toString(StandardCharsets.UTF_8).contains("lost the connection"));
            own.startAgain();
            await().atMost(TailCommand.GIVE_UP).until(() -> tailed.toString(StandardCharsets.UTF_8).contains("reconnected"));
            Run sent = run("publish", "cli.restarted", "{\"n\":1}", "--redis", own.uri());
            assertThat(sent.exitCode()).as(sent.err()).isZero();

            tail.join(10_000);
            assertThat(tailExit.get()).isZero();
            List<String> lines = tailed.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(4);
            assertThat(lines.get(1)).isEqualTo("lost the connection to " + own.uri()
                    + "; reconnecting (events published meanwhile are not seen; gives up after 10 s)");
            assertThat(lines.get(2)).isEqualTo("reconnected to " + own.uri() + "; listening again");
            assertThat(lines.get(3)).contains(" cli.restarted " + sent.out().split(" ")[2] + " ");
        }
    }

    @Test
    void publishInStreamsModeAddsTheEventToTheTypesStream() {
        Run sent = run("publish", "cli.kept", "{\"a\":true}", "--mode", "streams", "--redis", redis.uri(), "--prefix", "t2");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            var entries = c.sync().xrange("t2:stream:cli.kept", io.lettuce.core.Range.create("-", "+"));
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).getBody().get("event")).contains("\"type\":\"cli.kept\"").contains("\"data\":{\"a\":true}")
                    .contains("\"specversion\":\"1.0\"");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void badArgumentsAreNamedWithWhatWouldBeRight() {
        Run r = run("publish", "cli.placed", "{not json", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("not valid JSON at line 1, column 2: Unexpected character").contains("{not json");
        r = run("publish", "cli.placed", "{\"a\":1", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("not valid JSON at line 1, column 7: Unexpected end-of-input")
                .contains("(start marker at line 1, column 1)").doesNotContain("Source").doesNotContain("REDACTED");
        r = run("publish", "has space", "{}", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("event type 'has space' is invalid");
        r = run("publish", "cli.placed", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("publish needs an event type and its data as JSON, got 1");
        r = run("publish", "cli.placed", "{}");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--redis URI").contains("HERALD_REDIS_URI");
        r = run("publish", "cli.placed", "{}", "--mode", "kafka", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--mode must be pubsub or streams, not 'kafka'");
        r = run("tail", "cli.placed", "--mode", "streams", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Pub/Sub only");
        r = run("tail", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("at least one event type");
        r = run("tail", "x", "--count", "0", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--count must be a whole number from 1");
        r = run("tail", "x", "--redis", "127.0.0.1:1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'127.0.0.1:1' is not a Redis URI").contains("use redis://");
    }

    @Test
    void anUnreachableRedisIsReportedWithoutAStackTrace() {
        Run r = run("publish", "cli.placed", "{}", "--redis", "redis://127.0.0.1:1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("herald publish failed: ").contains("127.0.0.1:1");
    }
}
