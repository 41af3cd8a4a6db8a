package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code herald dlq} against a real redis-server holding dead letters that a real bus wrote. */
class DeadLetterCommandTest {

    @EventType("cli.order")
    record Order(String id) {
    }

    private static RedisServer redis;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.stop();
    }

    @BeforeEach
    void twoDeadLetters() {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        try (RedisEventBus bus = RedisEventBus.builder(redis.uri()).prefix("cli").retry(RetryPolicy.none()).build()) {
            bus.deadLetters().purge();
            bus.subscribe(Order.class, "always-fails", e -> {
                throw new IllegalStateException("no stock for " + e.payload().id());
            });
            bus.start();
            bus.publish(new Order("o-1")).join();
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().publish("cli:cli.order", "{not json");
            } finally {
                client.shutdown();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> bus.deadLetters().size() == 2);
        }
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<DeadLetter> stored() {
        try (RedisEventBus bus = RedisEventBus.builder(redis.uri()).prefix("cli").build()) {
            return bus.deadLetters().list(100);
        }
    }

    @Test
    void listShowsEachDeadLetterOldestFirstWithItsReason() {
        assertThat(run("dlq", "list", "--redis", redis.uri(), "--prefix", "cli")).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("2 dead letter(s):");
        assertThat(lines.get(1)).contains("HANDLER_FAILED").contains("type=cli.order").contains("handler=always-fails")
                .contains("attempts=1").contains("no stock for o-1");
        assertThat(lines.get(2)).contains("UNDECODABLE").contains("attempts=0");

        assertThat(run("dlq", "list", "--limit", "1", "--redis", redis.uri(), "--prefix", "cli")).isZero();
        assertThat(out()).startsWith("2 dead letter(s), the oldest 1:").doesNotContain("UNDECODABLE");
        assertThat(run("dlq", "list", "--redis", redis.uri())).isZero(); // another prefix: none
        assertThat(out()).startsWith("0 dead letter(s)");
    }

    @Test
    void showPrintsTheRawMessageAndDeleteAndPurgeRemoveDeadLetters() {
        DeadLetter undecodable = stored().get(1);
        assertThat(run("dlq", "show", undecodable.id(), "--redis", redis.uri(), "--prefix", "cli")).isZero();
        assertThat(out()).contains("reason:        UNDECODABLE").contains("{not json").contains("message (9 bytes):");

        assertThat(run("dlq", "delete", undecodable.id(), "--redis", redis.uri(), "--prefix", "cli")).isZero();
        assertThat(stored()).hasSize(1);
        assertThat(run("dlq", "delete", undecodable.id(), "--redis", redis.uri(), "--prefix", "cli")).isEqualTo(1);
        assertThat(out()).contains("no dead letter with id '" + undecodable.id() + "'");
        assertThat(run("dlq", "show", "0-1", "--redis", redis.uri(), "--prefix", "cli")).isEqualTo(1);

        assertThat(run("dlq", "purge", "--redis", redis.uri(), "--prefix", "cli")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--yes");
        assertThat(stored()).hasSize(1);
        assertThat(run("dlq", "purge", "--yes", "--redis", redis.uri(), "--prefix", "cli")).isZero();
        assertThat(out()).contains("deleted 1 dead letter(s) under prefix 'cli'");
        assertThat(stored()).isEmpty();
    }

    @Test
    void badArgumentsAreNamedWithWhatWouldBeRight() {
        assertThat(run("dlq", "list")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--redis URI").contains("HERALD_REDIS_URI");
        assertThat(run("dlq", "--redis", redis.uri())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dlq needs a subcommand");
        assertThat(run("dlq", "replay", "1-0", "--redis", redis.uri())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown dlq subcommand 'replay'");
        assertThat(run("dlq", "list", "--limit", "0", "--redis", redis.uri())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("from 1 to 10000, not '0'");
        assertThat(run("dlq", "show", "--redis", redis.uri())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("takes one dead-letter id but got 0");
        assertThat(run("dlq", "list", "--colour", "--redis", redis.uri())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--colour'");
    }
}
