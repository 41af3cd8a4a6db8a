package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command that takes a Redis URI, run as a user runs it (its own JVM, so that its whole
 * stderr, logging included, is seen), against a password-protected redis-server and Redis Cluster,
 * a closed port, and a server that accepts connections and never answers: one line naming the
 * endpoint and the cause, no stack trace, a non-zero exit code.
 */
class ConnectionFailureIT {

    private static RedisServer protectedRedis;
    private static RedisCluster protectedCluster;
    /** The protected cluster's masters, as host:port,host:port,... */
    private static String clusterNodes;
    private static int closedPort;
    /** Accepts connections and never answers (a frozen host, a stopped process behind a live socket). */
    private static ServerSocket silent;
    private static final List<Socket> held = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        protectedRedis = RedisServer.builder().password("right-secret").start();
        protectedCluster = RedisCluster.builder().masters(3).start();
        clusterNodes = protectedCluster.masters().stream().map(m -> "127.0.0.1:" + m.port()).collect(Collectors.joining(","));
        for (RedisServer node : protectedCluster.nodes()) { // after the join, which talks to the nodes without a password
            RedisClient client = RedisClient.create(node.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().configSet("requirepass", "right-secret");
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort(); // free once closed: nobody listens there
        }
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // kept open, never read nor written
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stop() throws IOException {
        protectedRedis.close();
        protectedCluster.close();
        silent.close();
        for (Socket s : held) {
            s.close();
        }
    }

    /** Each command, with {@code URI} where its Redis URI goes, on one server ({@code redis}) and on a cluster ({@code redis-cluster}). */
    static Stream<Arguments> commands() {
        return Stream.of("dlq list --redis URI", "dlq show 1-0 --redis URI", "dlq replay 1-0 --redis URI",
                "demo 1 --redis URI",
                "publish cli.placed {} --redis URI", "tail cli.placed --redis URI",
                "bench --events 1 --warmup-seconds 0 --redis URI")
                .flatMap(command -> Stream.of(Arguments.of(command, "redis"), Arguments.of(command, "redis-cluster")));
    }

    @ParameterizedTest(name = "herald {0} on {1}://")
    @MethodSource("commands")
    void aWrongPasswordIsReportedInOneLineWithTheEndpointAndRedisAnswer(String command, String scheme) throws Exception {
        String nodes = scheme.equals("redis") ? "127.0.0.1:" + protectedRedis.port() : clusterNodes;
        Exec r = exec(Map.of(), command.replace("URI", scheme + "://:wrong-secret@" + nodes));
        assertOneLineNaming(r, scheme + "://***@" + nodes, "WRONGPASS");
        assertThat(r.err()).doesNotContain("wrong-secret");
    }

    @ParameterizedTest(name = "herald {0} on {1}://")
    @MethodSource("commands")
    void aClosedPortIsReportedInOneLineWithTheEndpointAndTheSocketError(String command, String scheme) throws Exception {
        Exec r = exec(Map.of(), command.replace("URI", scheme + "://127.0.0.1:" + closedPort));
        assertOneLineNaming(r, scheme + "://127.0.0.1:" + closedPort, "Connection refused");
    }

    /**
     * A server that accepts the connection and never answers: each command gives up after its
     * --timeout, in one line that names the endpoint, the wait and how to wait longer. On a
     * loaded machine the client's own logs used to add a Netty stack trace here.
     */
    @ParameterizedTest(name = "herald {0} on {1}://")
    @MethodSource("commands")
    void aServerThatNeverAnswersIsReportedInOneLineAfterTheTimeout(String command, String scheme) throws Exception {
        Exec r = exec(Map.of(), command.replace("URI", scheme + "://127.0.0.1:" + silent.getLocalPort()) + " --timeout 2s");
        assertOneLineNaming(r, scheme + "://127.0.0.1:" + silent.getLocalPort(), "--timeout or $HERALD_TIMEOUT sets how long to wait");
        assertThat(r.err()).containsPattern("timed out after 2 second|no connection within 1\\d\\d\\d ms");
    }

    @Test
    void heraldTimeoutBoundsTheWaitWithoutTheOption() throws Exception {
        Exec r = exec(Map.of("HERALD_TIMEOUT", "1500ms"), "dlq list --redis redis://127.0.0.1:" + silent.getLocalPort());
        assertOneLineNaming(r, "redis://127.0.0.1:" + silent.getLocalPort(), "--timeout or $HERALD_TIMEOUT");
        assertThat(r.err()).containsPattern("no connection within 1[0-4]\\d\\d ms");
    }

    @Test
    void aMissingPasswordIsReportedWithRedisAnswer() throws Exception {
        Exec r = exec(Map.of(), "dlq list --redis redis://127.0.0.1:" + protectedRedis.port());
        assertOneLineNaming(r, "redis://127.0.0.1:" + protectedRedis.port(), "NOAUTH");
    }

    @Test
    void theDemoOnHeraldRedisUriReportsAWrongPasswordInOneLine() throws Exception {
        Exec r = exec(Map.of("HERALD_REDIS_URI", "redis://:wrong-secret@127.0.0.1:" + protectedRedis.port()), "demo 1");
        assertOneLineNaming(r, "redis://***@127.0.0.1:" + protectedRedis.port(), "WRONGPASS");
    }

    /** A server that dies under a running tail: it says so, waits for it, and ends in one line. */
    @Test
    void tailOnAServerThatDiesSaysSoAndEndsInOneLine() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            Exec r = execUntil("tail cli.placed --redis " + server.uri(), "listening to", server::kill);
            assertOneLineNaming(r, server.uri(), "no connection for " + TailCommand.GIVE_UP.toSeconds() + " s");
            assertThat(r.out()).contains("lost the connection to " + server.uri());
        }
    }

    /** A cluster whose masters all die under a running tail: the same, not a flood of client logs. */
    @Test
    void tailOnAClusterThatDiesSaysSoAndEndsInOneLine() throws Exception {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).start()) {
            Exec r = execUntil("tail cli.placed cli.paid cli.sent --redis " + cluster.clusterUri(), "listening to",
                    () -> cluster.nodes().forEach(RedisServer::kill));
            assertOneLineNaming(r, cluster.clusterUri(), "no connection for " + TailCommand.GIVE_UP.toSeconds() + " s");
            assertThat(r.out()).contains("lost the connection to " + cluster.clusterUri());
        }
    }

    private static void assertOneLineNaming(Exec r, String endpoint, String cause) {
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.toString()).hasSize(1);
        assertThat(lines.get(0)).startsWith("herald ").contains(endpoint).contains(cause);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    record Exec(int exitCode, String out, String err) {
    }

    /** Runs {@code herald ARGS} in a JVM of its own, on this test's class path. */
    private static Exec exec(Map<String, String> environment, String args) throws IOException, InterruptedException {
        Process process = start(environment, args);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        return finish(process, args, out);
    }

    /** Runs {@code herald ARGS} in a JVM of its own, and {@code then} once its output has a line containing {@code started}. */
    private static Exec execUntil(String args, String started, Runnable then) throws IOException, InterruptedException {
        Process process = start(Map.of(), args);
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            seen.append(line).append('\n');
            if (line.contains(started)) {
                break;
            }
        }
        assertThat(seen.toString()).as("herald " + args).contains(started);
        then.run();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> seen + lines.lines().collect(Collectors.joining("\n")));
        return finish(process, args, out);
    }

    private static Process start(Map<String, String> environment, String args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args.split(" ")));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("HERALD_REDIS_URI");
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static Exec finish(Process process, String args, CompletableFuture<String> out) throws InterruptedException {
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("herald " + args + " did not end within 60 s; stdout: " + out.join() + "; stderr: " + err.join());
        }
        return new Exec(process.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
