package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.internal.bus.BusThreads;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.spi.BusObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sharded transport whose start fails leaves nothing running. */
class ShardedPubSubTransportStartIT {

    @Test
    void aStartThatCannotConnectClosesTheThreadsItStarted() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // nothing listens there once closed
        }
        RedisEndpoint endpoint = RedisEndpoint.owned("redis-cluster://127.0.0.1:" + port);
        try {
            ShardedPubSubTransport transport = new ShardedPubSubTransport(endpoint, new PubSubOptions("herald",
                    "it", "start-fails", Clock.systemUTC(), Duration.ofSeconds(2), Duration.ofMillis(100),
                    Duration.ofMillis(500), 10_000, 16 * 1024 * 1024, BusThreads.daemonPlatform(), BusObserver.noop()));

            assertThatThrownBy(transport::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot connect");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(threadsOf("start-fails"))
                    .as("threads of the transport still alive").isEmpty());
        } finally {
            endpoint.shutdown();
        }
    }

    private static List<String> threadsOf(String instanceId) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.endsWith(instanceId)).toList();
    }
}
