package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisConnectionException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Opening a connection within a time, with no thread of Herald's own. */
class RedisEndpointIT {

    @Test
    void aConnectionIsOpenedWithinItsTime() {
        try (RedisServer redis = RedisServer.start()) {
            RedisEndpoint endpoint = RedisEndpoint.owned(redis.uri());
            try (RedisConnection c = endpoint.connectForWrites(Duration.ofSeconds(5))) {
                assertThat(c.sync().ping()).isEqualTo("PONG");
            } finally {
                endpoint.shutdown();
            }
        }
    }

    @Test
    void aConnectionThatDoesNotComeInTimeFailsAndLeavesNoThreadOfItsOwnWaiting() throws Exception {
        // a port that accepts TCP connections but never answers Redis's handshake
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RedisEndpoint endpoint = RedisEndpoint.owned("redis://127.0.0.1:" + silent.getLocalPort());
            try {
                long begin = System.nanoTime();
                Throwable failure = catchThrowable(() -> endpoint.connectForWrites(Duration.ofMillis(300)));

                assertThat(failure).isInstanceOf(RedisConnectionException.class).hasMessageContaining("300 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(2));
                assertThat(Thread.getAllStackTraces().keySet()).as("threads still connecting")
                        .noneMatch(t -> t.getName().startsWith("herald-connect"));
            } finally {
                endpoint.shutdown();
            }
        }
    }
}
