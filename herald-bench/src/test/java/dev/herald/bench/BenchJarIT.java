package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        Path jar = Path.of("target", "herald-bench.jar");
        assertThat(jar).exists();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "e2e", "--events", "2000", "--size", "256",
                "--runs", "1", "--warmup", "1000", "--warmup-seconds", "0", "--variants", "herald,lettuce_async", "--json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();

        String line = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("herald_lost").asLong()).isZero();
        assertThat(json.get("ratio_vs_lettuce_async").asDouble()).isPositive();
        assertThat(json.at("/variants/herald/delivered_per_s_median").asDouble()).isPositive();
        assertThat(json.at("/variants/lettuce_async/lost").asDouble()).isZero();
    }

    @Test
    void withHopsOnEachLettuceVariantSaysWhereItsLatencyWent() throws Exception {
        Path jar = Path.of("target", "herald-bench.jar");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Dherald.bench.hops=true", "-jar", jar.toString(), "e2e",
                "--events", "1000", "--size", "256", "--rate", "2000", "--runs", "1", "--warmup", "500", "--warmup-seconds", "0",
                "--variants", "herald,herald_shared,lettuce_async,sockets", "--json")
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();

        for (String variant : new String[] {"herald", "herald_shared", "lettuce_async"}) {
            assertThat(text).as(text).contains("hops " + variant + ":   publish call -> written to the socket",
                    "hops " + variant + ":   written -> read by the subscriber", "hops " + variant + ":   read -> subscriber callback");
        }
        assertThat(text).as("plain sockets have no Netty pipeline to stamp").doesNotContain("hops sockets");
    }

    @Test
    void withHopsOnStdoutIsStillTheOneJsonLine() throws Exception {
        Path jar = Path.of("target", "herald-bench.jar");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Dherald.bench.hops=true", "-jar", jar.toString(), "e2e",
                "--events", "500", "--size", "256", "--rate", "2000", "--runs", "1", "--warmup", "500", "--warmup-seconds", "0",
                "--variants", "herald,lettuce_async", "--json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        assertThat(text.lines().toList()).as(text).singleElement().satisfies(line ->
                assertThat(new ObjectMapper().readTree(line).get("herald_lost").asLong()).isZero());
    }
}
