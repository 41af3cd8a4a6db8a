package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged tool runs as the docs run it: {@code java -jar herald-bench/target/herald-bench.jar
 * e2e ... --json}, each variant in its own child JVM, and prints one JSON line with the ratios.
 * A tiny run: its figures are never asserted, only that they are there and nothing was lost.
 */
class BenchJarIT {

    @Test
    void e2eWithJsonPrintsTheRatiosFromChildJvms() throws Exception {
        Output out = bench(List.of(), "--events", "2000", "--size", "256", "--runs", "1", "--warmup", "1000",
                "--warmup-seconds", "0", "--variants", "herald,lettuce_async", "--json");

        String line = out.stdout().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("herald_lost").asLong()).isZero();
        assertThat(json.get("ratio_vs_lettuce_async").asDouble()).isPositive();
        assertThat(json.at("/variants/herald/delivered_per_s_median").asDouble()).isPositive();
        assertThat(json.at("/variants/lettuce_async/lost").asDouble()).isZero();
    }

    @Test
    void withHopsOnEachLettuceVariantSaysWhereItsLatencyWentOnStderr() throws Exception {
        Output out = bench(List.of("-Dherald.bench.hops=true"), "--events", "1000", "--size", "256", "--rate", "2000",
                "--runs", "1", "--warmup", "500", "--warmup-seconds", "0", "--variants", "herald,herald_shared,lettuce_async,sockets",
                "--json");

        for (String variant : new String[] {"herald", "herald_shared", "lettuce_async"}) {
            assertThat(out.stderr()).as(out.stderr()).contains("hops " + variant + ":   publish call -> written to the socket",
                    "hops " + variant + ":   written -> read by the subscriber", "hops " + variant + ":   read -> subscriber callback");
        }
        assertThat(out.stderr()).as("plain sockets have no Netty pipeline to stamp").doesNotContain("hops sockets");
        assertThat(out.stdout().lines().toList()).as("stdout stays the one JSON line").singleElement().satisfies(line ->
                assertThat(new ObjectMapper().readTree(line).get("herald_lost").asLong()).isZero());
    }

    /**
     * Throw-away server and 3-master cluster in one run: four rows, each shard's events and CPU,
     * the cluster's ratio. In Pub/Sub: Streams on a cluster is run in process by
     * {@code BenchSmokeIT}, which also checks the child JVMs' arguments of each mode's rows.
     */
    @Test
    void e2eClusterPrintsHeraldOnAServerAndOnAClusterWithEachShardsFigures() throws Exception {
        Output out = bench(List.of(), "--cluster", "--mode", "pubsub", "--events", "2000", "--size", "256", "--runs", "1", "--warmup",
                "1000", "--warmup-seconds", "0", "--json");

        String line = out.stdout().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("lost").asLong()).as(line).isZero();
        List<String> rows = new ArrayList<>();
        json.get("rows").fieldNames().forEachRemaining(rows::add);
        assertThat(rows).containsExactly("server, 1 type", "server, 8 types", "cluster, 1 type", "cluster, 8 types");
        assertThat(json.at("/rows/server, 8 types/shards")).singleElement()
                .satisfies(shard -> assertThat(shard.get("events").asLong()).isEqualTo(2000));
        JsonNode shards = json.at("/rows/cluster, 8 types/shards");
        assertThat(shards).hasSize(3);
        List<Integer> types = new ArrayList<>();
        long events = 0;
        for (JsonNode shard : shards) {
            types.add(shard.get("types").asInt());
            events += shard.get("events").asLong();
            assertThat(shard.get("cpu_us_per_event").asDouble()).isPositive();
        }
        assertThat(types).containsExactlyInAnyOrder(3, 3, 2);
        assertThat(events).isEqualTo(2000);
        assertThat(json.get("ratio cluster, 8 types / server, 8 types").asDouble()).isPositive();
    }

    private record Output(String stdout, String stderr) {
    }

    /** Runs the packaged jar's {@code e2e} with these JVM options and arguments; it must exit with 0. */
    private static Output bench(List<String> jvmOptions, String... args) throws Exception {
        Path jar = Path.of("target", "herald-bench.jar");
        assertThat(jar).exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "e2e"));
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("herald-bench", ".stderr");
        try {
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
            String errors = Files.readString(stderr);
            assertThat(process.exitValue()).as(stdout + errors).isZero();
            return new Output(stdout, errors);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}
