package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisEventBus;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code herald dlq} against a real redis-server holding dead letters that a real bus wrote. */
class DeadLetterCommandTest extends RedisCommandTestBase {

    @EventType("cli.order")
    record Order(String id) {
    }

    @BeforeEach
    void twoDeadLetters() {
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

    private List<DeadLetter> stored() {
        try (RedisEventBus bus = RedisEventBus.builder(redis.uri()).prefix("cli").build()) {
            return bus.deadLetters().list(100);
        }
    }

    @Test
    void listShowsEachDeadLetterOldestFirstWithItsReason() {
        Run r;
        r = run("dlq", "list", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("2 dead letter(s):");
        assertThat(lines.get(1)).contains("HANDLER_FAILED").contains("type=cli.order").contains("handler=always-fails")
                .contains("attempts=1").contains("no stock for o-1");
        assertThat(lines.get(2)).contains("UNDECODABLE").contains("attempts=0");

        r = run("dlq", "list", "--limit", "1", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("2 dead letter(s), the oldest 1:").doesNotContain("UNDECODABLE");
        r = run("dlq", "list", "--redis", redis.uri());
        assertThat(r.exitCode()).isZero(); // another prefix: none
        assertThat(r.out()).startsWith("0 dead letter(s)");
    }

    @Test
    void showPrintsTheRawMessageAndDeleteAndPurgeRemoveDeadLetters() {
        Run r;
        DeadLetter undecodable = stored().get(1);
        r = run("dlq", "show", undecodable.id(), "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("reason:        UNDECODABLE").contains("{not json").contains("message (9 bytes):");

        r = run("dlq", "delete", undecodable.id(), "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isZero();
        assertThat(stored()).hasSize(1);
        r = run("dlq", "delete", undecodable.id(), "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("no dead letter with id '" + undecodable.id() + "'")
                .contains("herald dlq list --prefix cli)");
        r = run("dlq", "show", "0-1", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isEqualTo(1);

        r = run("dlq", "purge", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--yes");
        assertThat(stored()).hasSize(1);
        r = run("dlq", "purge", "--yes", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("deleted 1 dead letter(s) under prefix 'cli'");
        assertThat(stored()).isEmpty();
    }

    /** The service's handler was fixed: replaying hands the very same event (same id) to it, and removes the dead letter. */
    @Test
    void replayPublishesTheSameEventAgainToTheRunningServiceAndRemovesTheDeadLetter() {
        DeadLetter failed = stored().get(0);
        DeadLetter undecodable = stored().get(1);
        List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> orders = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (RedisEventBus fixed = RedisEventBus.builder(redis.uri()).prefix("cli").build()) {
            fixed.subscribe(Order.class, "always-fails", e -> {
                ids.add(e.id());
                orders.add(e.payload().id());
            });
            fixed.start();

            Run r = run("dlq", "replay", failed.id(), "--redis", redis.uri(), "--prefix", "cli");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("replayed dead letter " + failed.id() + " to channel cli:cli.order: 1 subscribed");
            await().atMost(Duration.ofSeconds(10)).until(() -> orders.size() == 1);
            assertThat(orders).containsExactly("o-1");
            assertThat(ids).containsExactly(failed.eventId());
            assertThat(stored()).extracting(DeadLetter::id).containsExactly(undecodable.id());

            r = run("dlq", "replay", undecodable.id(), "--redis", redis.uri(), "--prefix", "cli");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).contains("has no event type").contains("herald dlq show " + undecodable.id());
            r = run("dlq", "replay", "0-1", "--redis", redis.uri(), "--prefix", "cli");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).contains("no dead letter with id '0-1'");
        }
        assertThat(stored()).hasSize(1);
    }

    /** As a shutdown parked received-but-undecoded events: no type field, a valid CloudEvent as the raw message. */
    private static String storeWithoutType(byte[] raw) {
        return store(raw, Map.of());
    }

    private static String store(byte[] raw, Map<String, String> more) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            Map<byte[], byte[]> fields = new LinkedHashMap<>();
            more.forEach((k, v) -> fields.put(bytes(k), bytes(v)));
            fields.put(bytes("reason"), bytes("SHUTDOWN"));
            fields.put(bytes("attempts"), bytes("0"));
            fields.put(bytes("error"), bytes("the bus shut down before the event was handled"));
            fields.put(bytes("time"), bytes(Instant.now().toString()));
            fields.put(bytes("raw"), raw);
            return c.sync().xadd(bytes("cli:dlq"), fields);
        } finally {
            client.shutdown();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void replayTakesTheTypeFromTheRawCloudEventOfADeadLetterStoredWithoutIt() {
        DeadLetter failed = stored().get(0);
        String parked = storeWithoutType(failed.rawMessage());
        String notACloudEvent = storeWithoutType(bytes("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"s\"}"));
        assertThat(stored()).filteredOn(d -> d.id().equals(parked)).singleElement()
                .satisfies(d -> assertThat(d.eventType()).isNull());
        List<String> ids = new CopyOnWriteArrayList<>();
        try (RedisEventBus service = RedisEventBus.builder(redis.uri()).prefix("cli").build()) {
            service.subscribe(Order.class, "always-fails", e -> ids.add(e.id()));
            service.start();

            Run r = run("dlq", "replay", parked, "--redis", redis.uri(), "--prefix", "cli");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("replayed dead letter " + parked + " to channel cli:cli.order: 1 subscribed");
            await().atMost(Duration.ofSeconds(10)).until(() -> ids.size() == 1);
            assertThat(ids).containsExactly(failed.eventId());
            assertThat(stored()).extracting(DeadLetter::id).doesNotContain(parked);

            r = run("dlq", "replay", notACloudEvent, "--redis", redis.uri(), "--prefix", "cli");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).contains("dead letter " + notACloudEvent + " (SHUTDOWN) has no event type")
                    .contains("no \"type\" attribute");
            assertThat(stored()).extracting(DeadLetter::id).contains(notACloudEvent);
        }

        String parkedAgain = storeWithoutType(failed.rawMessage());
        createGroup("cli:stream:cli.order");
        Run r = run("dlq", "replay", parkedAgain, "--mode", "streams", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("to stream cli:stream:cli.order as entry ");
        assertThat(stored()).extracting(DeadLetter::id).doesNotContain(parkedAgain);
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().xlen("cli:stream:cli.order")).isEqualTo(1);
            c.sync().del("cli:stream:cli.order");
        } finally {
            client.shutdown();
        }
    }

    /** A consumer group on the stream, as a Streams service's subscription creates one. */
    private void createGroup(String stream) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "$"), "cli:service",
                    XGroupCreateArgs.Builder.mkstream());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void replayRefusesAReservedOrInvalidTypeAndAMessageCutToTheRawLimit() {
        String reserved = storeWithoutType(bytes("{\"specversion\":\"1.0\",\"id\":\"h-1\",\"source\":\"s\","
                + "\"type\":\"herald.heartbeat\",\"data\":{}}"));
        String truncated = store(bytes("{\"specversion\":\"1.0\",\"id\":\"big-1\""),
                Map.of("type", "cli.order", "rawLength", "5000000"));

        Run r = run("dlq", "replay", reserved, "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("dead letter " + reserved + " (SHUTDOWN) cannot be replayed").contains("herald.");
        r = run("dlq", "replay", truncated, "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("keeps only the first").contains("of its 5000000 bytes");
        assertThat(stored()).extracting(DeadLetter::id).contains(reserved, truncated);
    }

    @Test
    void replayKeepsTheDeadLetterWhenNobodyListensOrNoGroupReadsAndAppendsToAStreamAGroupReads() {
        DeadLetter failed = stored().get(0);
        Run r = run("dlq", "replay", failed.id(), "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("nobody is subscribed to cli:cli.order").contains("is kept");
        assertThat(stored()).extracting(DeadLetter::id).contains(failed.id());

        r = run("dlq", "replay", failed.id(), "--mode", "streams", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).as("no consumer group reads the stream yet").isEqualTo(1);
        assertThat(r.out()).contains("no consumer group reads cli:stream:cli.order yet").contains("is kept");
        assertThat(stored()).extracting(DeadLetter::id).contains(failed.id());

        createGroup("cli:stream:cli.order");
        r = run("dlq", "replay", failed.id(), "--mode", "streams", "--redis", redis.uri(), "--prefix", "cli");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("to stream cli:stream:cli.order as entry ");
        assertThat(stored()).extracting(DeadLetter::id).doesNotContain(failed.id());
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            var entries = c.sync().xrange("cli:stream:cli.order", io.lettuce.core.Range.create("-", "+"));
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).getBody().get("event")).isEqualTo(new String(failed.rawMessage(), java.nio.charset.StandardCharsets.UTF_8));
            c.sync().del("cli:stream:cli.order");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void badArgumentsAreNamedWithWhatWouldBeRight() {
        Run r;
        r = run("dlq", "list");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--redis URI").contains("HERALD_REDIS_URI");
        r = run("dlq", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("dlq needs a subcommand");
        r = run("dlq", "replay", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("takes one dead-letter id but got 0");
        r = run("dlq", "replay", "1-0", "--mode", "kafka", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--mode must be pubsub or streams, not 'kafka'");
        r = run("dlq", "retry", "1-0", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown dlq subcommand 'retry'");
        r = run("dlq", "list", "--limit", "0", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("from 1 to 10000, not '0'");
        r = run("dlq", "show", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("takes one dead-letter id but got 0");
        r = run("dlq", "list", "--colour", "--redis", redis.uri());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option '--colour'");
    }
}
