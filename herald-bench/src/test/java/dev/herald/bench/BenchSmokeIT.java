package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load tool works end to end on a small run; its figures are measured elsewhere, never asserted. */
class BenchSmokeIT {

    @Test
    void everyVariantDeliversEveryEventOfASmallRun() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            E2eOptions options = E2eOptions.parse(new String[] {"--events", "2000", "--size", "256"});
            E2e bench = new E2e(options, redis.uri());
            for (String variant : List.of("herald", "herald_shared", "lettuce_async", "lettuce_batched", "lettuce_best", "jedis", "sockets",
                    "herald_streams", "lettuce_streams")) {
                E2e.Outcome outcome = bench.run(variant, 2000);
                assertThat(outcome.unique()).as(variant).isEqualTo(2000);
                assertThat(outcome.lost()).as(variant).isZero();
                assertThat(outcome.deliveredPerSecond()).as(variant).isPositive();
            }
        }
    }

    @Test
    void heraldObservedByMicrometerOrOpenTelemetryDeliversEveryEventOfASmallRun() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            for (String observe : List.of("micrometer", "otel")) {
                E2e bench = new E2e(E2eOptions.parse(new String[] {"--events", "2000", "--size", "256", "--observe", observe}),
                        redis.uri());
                for (String variant : List.of("herald", "herald_streams")) {
                    E2e.Outcome outcome = bench.run(variant, 2000);
                    assertThat(outcome.unique()).as(variant + " observed by " + observe).isEqualTo(2000);
                    assertThat(outcome.lost()).as(variant + " observed by " + observe).isZero();
                }
            }
        }
    }

    @Test
    void anObserveOptionOtherThanTheFourIsRefusedNamingIt() {
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--observe", "zipkin"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--observe must be none, micrometer, micrometer-default or otel, not 'zipkin'");
        assertThat(E2eOptions.parse(new String[] {"--observe", "micrometer-default"}).observe()).isEqualTo("micrometer-default");
        assertThat(E2eOptions.parse(new String[0]).observe()).isEqualTo("none");
    }

    @Test
    void severalObserversMakeARowOfEachHeraldVariantPerObserverEachChildObservedByOne() {
        E2eOptions options = E2eOptions.parse(new String[] {"--observe", "none,micrometer,otel", "--variants", "herald,jedis"});

        List<Row> rows = Row.variantRows(options, "redis://127.0.0.1:7400");

        assertThat(rows).extracting(Row::label).containsExactly("herald none", "herald micrometer", "herald otel", "jedis");
        assertThat(rows).extracting(row -> row.options().observe()).containsExactly("none", "micrometer", "otel", "none");
        List<String> child = rows.get(2).childArgs(new String[] {"e2e", "--observe", "none,micrometer,otel", "--runs", "2"});
        assertThat(String.join(" ", child)).isEqualTo(
                "e2e --runs 2 --variants herald --redis redis://127.0.0.1:7400 --types 1 --observe otel");
        assertThat(E2eOptions.parse(child.subList(1, child.size()).toArray(String[]::new)).observers()).containsExactly("otel");
    }

    @Test
    void observedRatiosCompareEachRunWithTheUnobservedRunOfTheSameTurn() {
        E2eOptions options = E2eOptions.parse(new String[] {"--observe", "none,otel", "--variants", "herald"});
        Map<String, List<E2e.Outcome>> results = Map.of(
                "herald none", List.of(delivered(100_000), delivered(50_000), delivered(80_000)),
                "herald otel", List.of(delivered(90_000), delivered(40_000), delivered(80_000)));

        Map<String, double[]> ratios = BenchMain.observedRatios(options, results);

        assertThat(ratios).containsOnlyKeys("herald otel");
        assertThat(ratios.get("herald otel")).containsExactly(0.9, 0.8, 1.0);
        assertThat(BenchMain.median(ratios.get("herald otel"))).isEqualTo(0.9);
        assertThat(BenchMain.observedRatios(E2eOptions.parse(new String[] {"--observe", "micrometer,otel"}), results)).isEmpty();
    }

    @Test
    void anUnknownVariantIsRefusedNamingItAndEveryKnownOne() {
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--variants", "herald,nope"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--variants takes herald, herald_shared, lettuce_async,"
                        + " lettuce_batched, lettuce_best, jedis, sockets, herald_streams, lettuce_streams, not 'nope'");
    }

    @Test
    void aRepeatedObserverOrSeveralWithAClusterAreRefusedNamingThem() {
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--observe", "otel,otel"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--observe names each observer once, not 'otel,otel'");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--observe", "none,otel", "--cluster"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--cluster takes one --observe, not 'none,otel'");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--observe", "none,"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--observe lists observers separated by commas, none of them empty, not 'none,'");
    }

    @Test
    void eachTurnStartsOneRowFurtherOn() {
        List<Row> rows = Row.variantRows(E2eOptions.parse(new String[] {"--observe", "none,micrometer,otel", "--variants", "herald"}),
                "redis://127.0.0.1:7400");

        assertThat(BenchMain.turn(rows, 0)).extracting(Row::label).containsExactly("herald none", "herald micrometer", "herald otel");
        assertThat(BenchMain.turn(rows, 1)).extracting(Row::label).containsExactly("herald micrometer", "herald otel", "herald none");
        assertThat(BenchMain.turn(rows, 5)).extracting(Row::label).containsExactly("herald otel", "herald none", "herald micrometer");
    }

    @Test
    void severalObserversWithoutChildJvmsAreRefusedNamingWhatTurnsThemOff() {
        E2eOptions several = E2eOptions.parse(new String[] {"--observe", "none,otel"});

        assertThatThrownBy(() -> BenchMain.checkObserversCanFork(several, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--observe none,otel")
                .hasMessageContaining("-Dherald.bench.fork=false");
        BenchMain.checkObserversCanFork(several, true);
        BenchMain.checkObserversCanFork(E2eOptions.parse(new String[] {"--observe", "otel"}), false);
    }

    @Test
    void theJsonOfSeveralObserversNamesHeraldsRowAndCountsLossesOfEveryObservedRow() throws Exception {
        E2eOptions options = E2eOptions.parse(new String[] {"--observe", "none,otel", "--variants", "herald,jedis"});
        E2e.Outcome lostTwo = new E2e.Outcome("herald", 1000, 998, 998, 0, 40_000, 40_000, 1, 1, 1, 0, 2, 1, List.of());
        Map<String, List<E2e.Outcome>> results = new LinkedHashMap<>();
        results.put("herald none", List.of(delivered(100_000), delivered(50_000)));
        results.put("herald otel", List.of(delivered(90_000), lostTwo));
        results.put("jedis", List.of(delivered(80_000), delivered(80_000)));

        JsonNode json = new ObjectMapper().readTree(BenchMain.json(options, results));

        assertThat(json.get("herald_row").asText()).isEqualTo("herald none");
        assertThat(json.get("herald_lost").asLong()).isEqualTo(2);
        assertThat(json.get("ratio_vs_jedis").asDouble()).isEqualTo(75_000 / 80_000.0, within(0.001));
        assertThat(json.at("/ratio_vs_none/herald otel/runs").toString()).isEqualTo("[0.9,0.8]");
        assertThat(json.at("/ratio_vs_none/herald otel/median").asDouble()).isEqualTo(0.85, within(0.001));
        assertThat(json.at("/variants/herald otel/delivered_per_s_runs").toString()).isEqualTo("[90000,40000]");
    }

    private static E2e.Outcome delivered(double perSecond) {
        return new E2e.Outcome("herald", 1000, 1000, 1000, 0, perSecond, perSecond, 1, 1, 1, 0, -1, 1, List.of());
    }

    @Test
    void observeCostGivesARowPerSetupAndThreadCount() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ObserveCost.run(new String[] {"--setups", "noop,handler,meters,meters-no-ltt,herald-meters,otel", "--threads", "1,2",
                "--warmup-seconds", "0", "--rounds", "1", "--round-seconds", "0.05"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> rows = bytes.toString(StandardCharsets.UTF_8).lines().skip(2).toList();
        assertThat(rows).hasSize(12);
        assertThat(rows).allSatisfy(row -> assertThat(row).matches("[a-z-]+ +[12]( +\\d+){4}"));
        assertThat(rows.get(5)).startsWith("meters ").contains(" 2 ");
        assertThat(rows.get(9)).startsWith("herald-meters ").contains(" 2 ");
        assertThat(rows.get(11)).startsWith("otel ").contains(" 2 ");
    }

    @Test
    void observeCostRefusesAnUnknownSetupOrOptionNamingIt() {
        assertThatThrownBy(() -> ObserveCost.run(new String[] {"--setups", "zipkin"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zipkin'");
        assertThatThrownBy(() -> ObserveCost.run(new String[] {"--events", "10"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'--events'");
        assertThatThrownBy(() -> ObserveCost.run(new String[] {"--bogus"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option '--bogus'");
        assertThatThrownBy(() -> ObserveCost.run(new String[] {"--rounds", "0"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--rounds takes a whole number of at least 1, not '0'");
        assertThatThrownBy(() -> ObserveCost.run(new String[] {"--threads", "1,x"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--threads takes a whole number of at least 1, not 'x'");
    }

    @Test
    void heraldSpreadsEventsOverSeveralTypesAndReportsTheServerAsItsOneShard() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            E2e bench = new E2e(E2eOptions.parse(new String[] {"--events", "2000", "--size", "256", "--types", "8"}), redis.uri());
            for (String variant : List.of("herald", "herald_streams")) {
                E2e.Outcome outcome = bench.run(variant, 2000);
                assertThat(outcome.unique()).as(variant).isEqualTo(2000);
                assertThat(outcome.lost()).as(variant).isZero();
                assertThat(outcome.jvmCpuMicrosPerEvent()).as(variant).isPositive();
                assertThat(outcome.shards()).as(variant).singleElement().satisfies(shard -> {
                    assertThat(shard.address()).isEqualTo("127.0.0.1:" + redis.port());
                    assertThat(shard.types()).isEqualTo(8);
                    assertThat(shard.events()).isEqualTo(2000);
                    assertThat(shard.cpuSeconds()).isPositive();
                });
            }
        }
    }

    /** Each type's channel or stream is its own key: the prefix is chosen so that 8 types spread 3, 3 and 2 over 3 masters. */
    @Test
    void onAClusterEightTypesSpreadOverTheMastersAndEachShardCountsItsEventsAndCpu() throws Exception {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).start()) {
            E2e bench = new E2e(E2eOptions.parse(new String[] {"--events", "2000", "--size", "256", "--types", "8"}),
                    Targets.uriOf(cluster));
            for (String variant : List.of("herald_streams", "herald")) {
                E2e.Outcome outcome = bench.run(variant, 2000);
                assertThat(outcome.unique()).as(variant).isEqualTo(2000);
                assertThat(outcome.lost()).as(variant).isZero();
                assertThat(outcome.shards()).as(variant).hasSize(3)
                        .allSatisfy(shard -> assertThat(shard.cpuSeconds()).isPositive());
                assertThat(outcome.shards()).extracting(E2e.Shard::address)
                        .containsExactlyInAnyOrderElementsOf(cluster.masters().stream().map(m -> "127.0.0.1:" + m.port()).toList());
                assertThat(outcome.shards()).extracting(E2e.Shard::types).containsExactlyInAnyOrder(3, 3, 2);
                assertThat(outcome.shards().stream().mapToLong(E2e.Shard::events).sum()).isEqualTo(2000);
            }
        }
    }

    @Test
    void onAClusterWithReplicasStreamsPublishesWaitForAReplicaAndLoseNothing() throws Exception {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
            E2e bench = new E2e(E2eOptions.parse(new String[] {"--mode", "streams", "--events", "2000", "--size", "256", "--types", "8",
                "--publish-replicas", "1"}), Targets.uriOf(cluster));
            E2e.Outcome outcome = bench.run("herald_streams", 2000);
            assertThat(outcome.unique()).isEqualTo(2000);
            assertThat(outcome.lost()).isZero();
            assertThat(outcome.shards()).hasSize(3);
            RedisClient client = RedisClient.create();
            try {
                for (RedisServer master : cluster.masters()) { // each master took publish batches, each followed by a WAIT
                    try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(master.uri()))) {
                        assertThat(c.sync().info("commandstats")).as(master.toString()).contains("cmdstat_wait:calls=");
                    }
                }
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void theClusterRowsAreHeraldOnTheServerAndOnTheClusterEachChildWithItsOwnOptions() {
        E2eOptions options = E2eOptions.parse(new String[] {"--cluster", "--mode", "streams", "--replicas", "1", "--events", "100",
            "--json"});
        List<Row> rows = Row.clusterRows(options, "redis://127.0.0.1:1", "redis-cluster://127.0.0.1:2");
        assertThat(rows).extracting(Row::label).containsExactly("server, 1 type", "server, 8 types", "cluster, 1 type",
                "cluster, 8 types", "cluster, 1 type, WAIT 1", "cluster, 8 types, WAIT 1");
        assertThat(rows.get(5).childArgs(new String[] {"--cluster", "--mode", "streams", "--replicas", "1", "--events", "100",
            "--json"})).containsExactly("--mode", "streams", "--events", "100", "--variants", "herald_streams",
                "--redis", "redis-cluster://127.0.0.1:2", "--types", "8", "--observe", "none", "--publish-replicas", "1");
        assertThat(Row.clusterRows(E2eOptions.parse(new String[] {"--cluster"}), "redis://a:1", "redis-cluster://b:2"))
                .extracting(Row::label).containsExactly("server, 1 type", "server, 8 types", "cluster, 1 type", "cluster, 8 types");
        assertThat(E2eOptions.parse(new String[] {"--redis", "redis-cluster://a:1,b:2"}).variantsToRun()).containsExactly("herald");
    }

    @Test
    void badOptionsAreNamedWithWhatWouldBeRight() {
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--events", "lots"}))
                .hasMessageContaining("--events").hasMessageContaining("'lots'");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--mode", "kafka"})).hasMessageContaining("pubsub or streams");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--frobnicate"})).hasMessageContaining("'--frobnicate'");
        assertThat(E2eOptions.parse(new String[] {"--mode", "streams"}).variantsToRun())
                .containsExactly("herald_streams", "lettuce_streams");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--types", "9"})).hasMessageContaining("--types takes a whole number "
                + "from 1 to 8, not '9'");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--replicas", "1"})).hasMessageContaining("--cluster");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--publish-replicas", "1"})).hasMessageContaining("--mode streams");
        assertThatThrownBy(() -> Row.clusterRows(E2eOptions.parse(new String[] {"--cluster", "--variants", "lettuce_async"}), "a", "b"))
                .hasMessageContaining("--variants herald in pubsub mode");
        assertThatThrownBy(() -> new E2e(E2eOptions.parse(new String[0]), "redis-cluster://127.0.0.1:1").run("jedis", 10))
                .hasMessageContaining("jedis needs one server");
    }
}
