package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code herald bench} against a real redis-server: it runs, reports, counts, and cleans up; its speed is never asserted. */
class BenchCommandTest extends RedisCommandTestBase {

    @Test
    void aPubSubRunDeliversEveryEventAndReportsRatesLatencyAndLoss() {
        Run bench = run("bench", "--events", "3000", "--size", "512", "--warmup-seconds", "0", "--redis", redis.uri());

        assertThat(bench.exitCode()).as(bench.out() + bench.err()).isZero();
        assertThat(bench.out()).contains("3,000 events of ~512 bytes, pubsub, as fast as possible on " + redis.uri())
                .contains("warm-up: 1 round(s) of 3,000 events").contains("latency, publish call to handler: p50 ")
                .contains("lost 0, duplicates 0, missed by Herald's own count 0");
        Matcher delivered = Pattern.compile("delivered ([0-9,]+) in").matcher(bench.out());
        assertThat(delivered.find()).isTrue();
        assertThat(delivered.group(1)).isEqualTo("3,000");
        assertNoKeysLeft();
    }

    @Test
    void aStreamsRunAtAFixedRateDeliversEveryEventAndLeavesNoStreamBehind() {
        Run bench = run("bench", "--events", "500", "--rate", "2000", "--mode", "streams", "--warmup-seconds", "0", "--redis", redis.uri());

        assertThat(bench.exitCode()).as(bench.out() + bench.err()).isZero();
        assertThat(bench.out()).contains("500 events of ~1,024 bytes, streams, 2,000/s").contains("delivered 500 in")
                .contains("lost 0, duplicates 0").doesNotContain("missed by Herald");
        assertNoKeysLeft();
    }

    @Test
    void badOptionsAreNamedWithWhatWouldBeRight() {
        Run words = run("bench", "lots");
        assertThat(words.exitCode()).isEqualTo(2);
        assertThat(words.err()).contains("'lots'").contains("usage: herald bench");
        Run events = run("bench", "--events", "0");
        assertThat(events.exitCode()).isEqualTo(2);
        assertThat(events.err()).contains("--events must be a whole number from 1 to 5000000, not '0'");
        Run size = run("bench", "--size", "10");
        assertThat(size.err()).contains("--size (the envelope alone is about 390 bytes) must be a whole number from 390 to 1000000, not '10'");
        Run mode = run("bench", "--mode", "kafka");
        assertThat(mode.err()).contains("--mode must be pubsub or streams, not 'kafka'");
    }

    @Test
    void anUnreachableRedisFailsNamingIt() {
        Run bench = run("bench", "--events", "10", "--warmup-seconds", "0", "--redis", "redis://127.0.0.1:1");
        assertThat(bench.exitCode()).isEqualTo(1);
        assertThat(bench.err()).contains("herald bench failed").contains("127.0.0.1:1");
    }

    private static void assertNoKeysLeft() {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().keys("herald-bench-*")).isEmpty();
        } finally {
            client.shutdown();
        }
    }
}
