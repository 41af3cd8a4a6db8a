package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged jar runs as a user runs it: {@code java -jar herald-cli/target/herald.jar demo}. */
class HeraldJarIT {

    @Test
    void theREADMEsDemoCommandRunsFromThePackagedJar() throws IOException, InterruptedException {
        Path jar = Path.of("target", "herald.jar");
        assertThat(jar).exists();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "demo", "3")
                .redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        assertThat(text).contains("throw-away redis-server").contains("published 3 orders; 2 confirmations sent")
                .contains("in time: true");
        Files.writeString(Path.of("target", "demo-output.txt"), text);
    }
}
