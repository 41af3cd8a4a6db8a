package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    /** Sends one command in RESP and returns the first line of the reply. */
    static String call(int port, String... args) throws IOException {
        try {
            return Resp.firstLine(port, args);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Test
    void aServerStartsOnAFreePortThatIsNot6379AndAnswers() throws IOException {
        try (RedisServer redis = RedisServer.start()) {
            assertThat(redis.port()).isNotEqualTo(6379);
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(call(redis.port(), "PING")).isEqualTo("+PONG");
            assertThat(call(redis.port(), "SET", "k", "v")).isEqualTo("+OK");
        }
    }

    @Test
    void itRestartsOnTheSamePortEmptyAndCanBeKilled() throws IOException {
        try (RedisServer redis = RedisServer.start()) {
            call(redis.port(), "SET", "k", "v");
            int port = redis.port();

            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(call(port, "GET", "k")).as("nothing is persisted").isEqualTo("$-1");

            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> call(port, "PING")).isInstanceOf(IOException.class);

            redis.startAgain();
            assertThat(call(port, "PING")).isEqualTo("+PONG");
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
        }
    }

    @Test
    void aSuspendedServerKeepsItsConnectionsOpenAnswersNothingAndAnswersAgainOnceResumed() throws IOException {
        try (RedisServer redis = RedisServer.start(); Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", redis.port()), 1000);
            socket.setSoTimeout(500);

            redis.suspend();
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> socket.getInputStream().read()).as("no reply while suspended")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(redis.isRunning()).isTrue();

            redis.resume();
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).as("the PING sent while suspended is answered").isEqualTo('+');
            assertThat(call(redis.port(), "PING")).isEqualTo("+PONG");
        }
    }

    @Test
    void aSuspendedServerStopsAndResumingOneThatRunsDoesNothing() throws IOException {
        try (RedisServer redis = RedisServer.start()) {
            redis.resume();
            redis.suspend();
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(redis::suspend).isInstanceOf(IllegalStateException.class).hasMessageContaining("is not running");
            redis.startAgain();
            assertThat(call(redis.port(), "PING")).isEqualTo("+PONG");
        }
    }

    @Test
    void aPasswordAndAclUsersAreEnforced() throws IOException {
        try (RedisServer redis = RedisServer.builder().password("s3cret")
                .aclUser("herald on >hpass resetchannels ~herald:* &herald:* +@all").start()) {
            assertThat(call(redis.port(), "PING")).startsWith("-NOAUTH");
            assertThat(call(redis.port(), "AUTH", "s3cret")).isEqualTo("+OK");
            assertThat(call(redis.port(), "AUTH", "herald", "hpass")).isEqualTo("+OK");
            assertThat(call(redis.port(), "AUTH", "herald", "wrong")).startsWith("-WRONGPASS");
            assertThat(redis.uri()).isEqualTo("redis://:s3cret@127.0.0.1:" + redis.port());
        }
    }

    @Test
    void tlsServersGetACertificateMadeForThem() throws Exception {
        assertThat(RedisServer.binarySupportsTls()).as("Debian's redis-server 7 supports TLS").isTrue();
        try (RedisServer redis = RedisServer.builder().tls().start()) {
            assertThat(redis.tlsPort()).isPositive().isNotEqualTo(redis.port());
            assertThat(redis.tlsUri()).isEqualTo("rediss://localhost:" + redis.tlsPort());
            assertThat(redis.caCertificate()).exists();
            assertThat(call(redis.port(), "CONFIG", "GET", "tls-port")).isEqualTo("*2");
        }
    }

    @Test
    void theEmbeddedBinaryWorksWhereNoRedisServerIsOnThePath() throws IOException {
        String before = System.getProperty(RedisServer.BINARY_PROPERTY);
        System.setProperty(RedisServer.BINARY_PROPERTY, "embedded");
        try (RedisServer redis = RedisServer.start()) {
            assertThat(redis.binary().getFileName().toString()).startsWith("herald-redis-server-6.2");
            assertThat(call(redis.port(), "PING")).isEqualTo("+PONG");
        } finally {
            if (before == null) {
                System.clearProperty(RedisServer.BINARY_PROPERTY);
            } else {
                System.setProperty(RedisServer.BINARY_PROPERTY, before);
            }
        }
    }
}
