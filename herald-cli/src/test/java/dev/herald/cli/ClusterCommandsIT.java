package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The commands on a real 3-master Redis Cluster, given as {@code redis-cluster://...}: Herald's
 * channels there are shard channels, which {@code tail} subscribes at each slot's master; dead
 * letters and their replay; a bench run.
 */
class ClusterCommandsIT {

    private static RedisCluster cluster;
    private static String uri;
    private static RedisClusterClient client;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.builder().masters(3).start();
        uri = uriOf(cluster);
        client = RedisClusterClient.create(cluster.uris().get(0));
    }

    @AfterAll
    static void stopCluster() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        cluster.close();
    }

    @EventType("cli.order")
    record Order(String id) {
    }

    /** A {@code herald tail} running in the background. */
    private record Tail(Thread thread, ByteArrayOutputStream output, AtomicInteger exit) {
        static Tail start(String... args) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread thread = new Thread(() -> exit.set(Main.run(args, new PrintStream(output, true, StandardCharsets.UTF_8), System.err)));
            thread.start();
            Tail tail = new Tail(thread, output, exit);
            await().atMost(Duration.ofSeconds(30)).until(() -> tail.text().contains("listening to"));
            return tail;
        }

        String text() {
            return output.toString(StandardCharsets.UTF_8);
        }

        List<String> finish() throws InterruptedException {
            thread.join(30_000);
            assertThat(exit.get()).as(text()).isZero();
            return text().lines().toList();
        }
    }

    private static void withCluster(Consumer<RedisAdvancedClusterCommands<String, String>> work) {
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            work.accept(c.sync());
        }
    }

    private static String event(String id, String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"by-hand\",\"type\":\"" + type + "\",\"data\":" + data + "}";
    }

    /**
     * A one-server URI to a node of the cluster is refused by every command that talks to Redis,
     * naming the cluster form: through one node, a replayed dead letter would reach none of the
     * buses' shard-channel subscribers and be deleted, a tail would hear nothing, a list meet MOVED.
     */
    @Test
    void aOneServerUriToAClusterNodeIsRefusedByEveryCommand() {
        String node = "redis://127.0.0.1:" + cluster.masters().get(0).port();
        for (String[] command : List.of(new String[] {"dlq", "list"}, new String[] {"dlq", "replay", "1-0"},
                new String[] {"dlq", "purge", "--yes"}, new String[] {"tail", "cli.placed", "--count", "1"},
                new String[] {"publish", "cli.placed", "{}"})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--redis", node));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(exit).as("herald %s", args).isNotZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).as("herald %s", args).contains("Redis Cluster").contains("redis-cluster://");
        }
    }

    /** Types whose channels hash to at least two masters. */
    private static final List<String> TYPES = List.of("cli.placed", "cli.cancelled", "cli.paid");

    @Test
    void tailPrintsWhatIsPublishedToEachTypesShardChannelAtItsMasterAndWritesNothing() throws Exception {
        assertThat(TYPES.stream().map(t -> cluster.masterOf("k1:" + t)).distinct().count()).isGreaterThanOrEqualTo(2);
        Tail tail = Tail.start("tail", "cli.placed", "cli.cancelled", "cli.paid", "--count", "3", "--redis", uri, "--prefix", "k1");

        withCluster(c -> {
            for (String type : TYPES) {
                assertThat(c.spublish("k1:" + type, event("e-" + type, type, "{\"n\":1}"))).as(type).isEqualTo(1);
            }
        });

        List<String> lines = tail.finish();
        assertThat(lines.get(0)).contains("listening to cli.placed, cli.cancelled, cli.paid on " + uri);
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder("- cli.placed e-cli.placed source=by-hand {\"n\":1}",
                "- cli.cancelled e-cli.cancelled source=by-hand {\"n\":1}", "- cli.paid e-cli.paid source=by-hand {\"n\":1}");
        withCluster(c -> assertThat(c.keys("k1:*")).isEmpty());
    }

    @Test
    void tailFollowsAShardChannelWhoseSlotMovesToAnotherMaster() throws Exception {
        String channel = "k2:cli.moved";
        RedisServer from = cluster.masterOf(channel);
        RedisServer to = cluster.masters().stream().filter(m -> !m.equals(from)).findFirst().orElseThrow();
        Tail tail = Tail.start("tail", "cli.moved", "--count", "2", "--redis", uri, "--prefix", "k2");
        withCluster(c -> assertThat(c.spublish(channel, event("before", "cli.moved", "1"))).isEqualTo(1));

        cluster.moveSlot(cluster.slotOf(channel), to); // the old master ends the subscription with an sunsubscribe

        AtomicInteger attempt = new AtomicInteger();
        withCluster(c -> await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> c.spublish(channel, event("after-" + attempt.incrementAndGet(), "cli.moved", "2")) == 1));
        List<String> lines = tail.finish();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo("- cli.moved before source=by-hand 1");
        assertThat(lines.get(2)).isEqualTo("- cli.moved after-" + attempt.get() + " source=by-hand 2");
    }

    @Test
    void tailFollowsAShardChannelToTheReplicaPromotedWhenItsMasterDies() throws Exception {
        try (RedisCluster withReplicas = RedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
            String channel = "k6:cli.failed";
            Tail tail = Tail.start("tail", "cli.failed", "--count", "2", "--redis", uriOf(withReplicas), "--prefix", "k6");
            RedisClient plain = RedisClient.create();
            try {
                assertThat(spublishAtMaster(plain, withReplicas, channel, event("before", "cli.failed", "1"))).isEqualTo(1);

                withReplicas.killMaster(withReplicas.masterOf(channel));

                AtomicInteger attempt = new AtomicInteger();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> spublishAtMaster(plain,
                        withReplicas, channel, event("after-" + attempt.incrementAndGet(), "cli.failed", "2")) == 1);
                List<String> lines = tail.finish();
                assertThat(lines.stream().filter(l -> l.startsWith("- "))).containsExactly("- cli.failed before source=by-hand 1",
                        "- cli.failed after-" + attempt.get() + " source=by-hand 2");
                // the only master holding its subscription died: tail may say so while the replica takes over
                assertThat(lines).allMatch(l -> l.startsWith("- ") || l.startsWith("listening to ")
                        || l.startsWith("lost the connection to ") || l.startsWith("reconnected to "));
            } finally {
                plain.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    /** SPUBLISH at the master that serves the channel now, as the cluster itself says. */
    private static long spublishAtMaster(RedisClient plain, RedisCluster on, String channel, String message) {
        try (StatefulRedisConnection<String, String> c = plain.connect(RedisURI.create(on.masterOf(channel).uri()))) {
            return c.sync().spublish(channel, message);
        }
    }

    private static String uriOf(RedisCluster on) {
        return "redis-cluster://" + on.masters().stream().map(m -> "127.0.0.1:" + m.port()).collect(Collectors.joining(","));
    }

    @Test
    void publishOnAClusterReachesATailStartedFirst() throws Exception {
        Tail tail = Tail.start("tail", "cli.placed", "cli.paid", "--count", "2", "--redis", uri, "--prefix", "k3");

        RedisCommandTestBase.Run placed = RedisCommandTestBase.run("publish", "cli.placed", "{\"orderId\":\"42\"}", "--subject", "42",
                "--redis", uri, "--prefix", "k3");
        assertThat(placed.exitCode()).as(placed.err()).isZero();
        assertThat(placed.out()).startsWith("published cli.placed ").contains(" to " + uri + " (prefix k3, pubsub)");
        RedisCommandTestBase.Run paid = RedisCommandTestBase.run("publish", "cli.paid", "[1]", "--redis", uri, "--prefix", "k3");
        assertThat(paid.exitCode()).as(paid.err()).isZero();

        List<String> lines = tail.finish();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains(" cli.placed " + placed.out().split(" ")[2] + " ").contains("subject=42")
                .endsWith("{\"orderId\":\"42\"}");
        assertThat(lines.get(2)).contains(" cli.paid ").endsWith("[1]");
    }

    @Test
    void publishInStreamsModeAddsTheEventToTheTypesStreamOnItsMaster() {
        RedisCommandTestBase.Run sent = RedisCommandTestBase.run("publish", "cli.kept", "{\"a\":true}", "--mode", "streams",
                "--redis", uri, "--prefix", "k4");
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        withCluster(c -> {
            var entries = c.xrange("k4:stream:cli.kept", Range.create("-", "+"));
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).getBody().get("event")).contains("\"type\":\"cli.kept\"").contains("\"data\":{\"a\":true}");
        });
    }

    /** Dead letters a Streams bus on the cluster wrote: listed, shown, replayed to the stream and, with a tail listening, to the shard channel. */
    @Test
    void deadLettersOnAClusterAreListedShownAndReplayed() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        try (RedisEventBus bus = RedisEventBus.builder(uri).mode(RedisEventBus.Mode.STREAMS).prefix("k5")
                .retry(RetryPolicy.none()).build()) {
            AtomicInteger calls = new AtomicInteger();
            bus.subscribe(Order.class, "fails-twice", e -> {
                if (calls.incrementAndGet() <= 2) {
                    throw new IllegalStateException("no stock for " + e.payload().id());
                }
                handled.add(e.id());
            });
            bus.start();
            bus.publish(new Order("o-1")).join();
            bus.publish(new Order("o-2")).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> bus.deadLetters().size() == 2);
            List<DeadLetter> letters = bus.deadLetters().list(10);

            RedisCommandTestBase.Run r = RedisCommandTestBase.run("dlq", "list", "--redis", uri, "--prefix", "k5");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("2 dead letter(s):").contains("HANDLER_FAILED").contains("handler=fails-twice")
                    .contains("no stock for o-1").contains("no stock for o-2");
            r = RedisCommandTestBase.run("dlq", "show", letters.get(0).id(), "--redis", uri, "--prefix", "k5");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("reason:        HANDLER_FAILED").contains("\"data\":{\"id\":\"o-1\"}");

            r = RedisCommandTestBase.run("dlq", "replay", letters.get(0).id(), "--mode", "streams", "--redis", uri, "--prefix", "k5");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("to stream k5:stream:cli.order as entry ");
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 1);
            assertThat(handled).containsExactly(letters.get(0).eventId());

            Tail tail = Tail.start("tail", "cli.order", "--count", "1", "--redis", uri, "--prefix", "k5");
            r = RedisCommandTestBase.run("dlq", "replay", letters.get(1).id(), "--redis", uri, "--prefix", "k5");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("to channel k5:cli.order: 1 subscribed");
            assertThat(tail.finish().get(1)).contains(" cli.order " + letters.get(1).eventId() + " ");
            assertThat(bus.deadLetters().size()).isZero();
        }
    }

    @Test
    void theDemoRunsOnACluster() {
        RedisCommandTestBase.Run demo = RedisCommandTestBase.run("demo", "3", "--redis", uri);

        assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("Herald demo on Redis Pub/Sub at " + uri).contains("published 3 orders; 2 confirmations sent")
                .contains("HANDLER_FAILED, handler send-confirmation, 3 attempts").contains("in time: true");
    }

    @Test
    void benchRunsOnAClusterInStreamsMode() {
        RedisCommandTestBase.Run bench = RedisCommandTestBase.run("bench", "--events", "2000", "--size", "512", "--mode", "streams",
                "--warmup-seconds", "0", "--redis", uri);

        assertThat(bench.exitCode()).as(bench.out() + bench.err()).isZero();
        assertThat(bench.out()).contains("2,000 events of ~512 bytes, streams, as fast as possible on " + uri)
                .contains("delivered 2,000 in").contains("lost 0, duplicates 0");
        withCluster(c -> assertThat(c.keys("herald-bench-*")).isEmpty());
    }

    @Test
    void benchRunsOnAClusterInPubSubMode() {
        RedisCommandTestBase.Run bench = RedisCommandTestBase.run("bench", "--events", "2000", "--size", "512", "--warmup-seconds", "0",
                "--redis", uri);

        assertThat(bench.exitCode()).as(bench.out() + bench.err()).isZero();
        assertThat(bench.out()).contains("2,000 events of ~512 bytes, pubsub").contains("delivered 2,000 in")
                .contains("lost 0, duplicates 0, missed by Herald's own count 0");
        withCluster(c -> assertThat(c.keys("herald-bench-*")).isEmpty());
    }
}
