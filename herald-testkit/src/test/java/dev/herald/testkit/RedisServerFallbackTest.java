package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where no redis-server is on the PATH: embedded-redis, an optional dependency, or a clear error. */
class RedisServerFallbackTest {

    private static final String NOT_ON_CLASS_PATH = "no redis-server on the PATH and embedded-redis is not on the class path; "
            + "install redis-server or add com.github.codemonstur:embedded-redis";

    @Test
    void withoutEmbeddedRedisOnTheClassPathTheErrorSaysToInstallRedisServerOrAddIt() {
        EmbeddedRedis absent = new EmbeddedRedis(getClass().getClassLoader(), "redis/embedded/NoSuchClass.class");

        assertThat(absent.present()).isFalse();
        assertThatThrownBy(() -> RedisServer.fallback(absent, "redis-server-6.2.6-v5-linux-amd64"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(NOT_ON_CLASS_PATH);
    }

    @Test
    void embeddedRedisWithoutABinaryForThisPlatformNamesThePlatform() {
        EmbeddedRedis embedded = EmbeddedRedis.onClassPath();

        assertThat(embedded.present()).as("herald-testkit's own tests have embedded-redis").isTrue();
        assertThatThrownBy(() -> RedisServer.fallback(embedded, "redis-server-for-a-toaster"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no redis-server on the PATH and embedded-redis has no binary for this platform "
                        + "(redis-server-for-a-toaster); install redis-server");
    }

    @Test
    void embeddedRedisOnTheClassPathGivesAnExecutableBinary() {
        Path binary = RedisServer.fallback(EmbeddedRedis.onClassPath(), "redis-server-6.2.6-v5-linux-amd64");

        assertThat(binary.getFileName()).hasToString("herald-redis-server-6.2.6-v5-linux-amd64");
        assertThat(Files.isExecutable(binary)).isTrue();
    }

    @Test
    void aJvmWithNeitherRedisServerOnThePathNorEmbeddedRedisIsToldWhatToInstallOrAdd(@TempDir Path emptyDir)
            throws IOException, InterruptedException {
        String classPath = Arrays.stream(testClassPath().split(File.pathSeparator))
                .filter(entry -> !entry.contains("embedded-redis"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", classPath, StartOne.class.getName()))
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", emptyDir.toString());

        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("the child's output").contains(NOT_ON_CLASS_PATH);
        assertThat(child.exitValue()).isEqualTo(3);
    }

    /** Surefire's forked JVM names the real class path here (its own java.class.path may be a manifest-only jar). */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** The child JVM: starts a RedisServer and prints what went wrong, exit code 3, if it cannot. */
    static final class StartOne {
        public static void main(String[] args) {
            try (RedisServer redis = RedisServer.start()) {
                System.out.println("started " + redis.binary());
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }
}
