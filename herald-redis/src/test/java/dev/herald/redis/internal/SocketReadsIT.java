package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Lettuce has no public switch for pausing reads: this fails first if an upgrade moves the
 * socket where {@link SocketReads} cannot find it (the bus would then discard instead of pausing).
 */
class SocketReadsIT {

    @Test
    void readsOfAUsersClientAndOfHeraldsOwnCanBePausedAndResumed() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisClient users = RedisClient.create(redis.uri()); // default options: a command-timeout writer wraps the endpoint
            RedisEndpoint owned = RedisEndpoint.owned(redis.uri());
            try {
                check(users.connectPubSub(ByteArrayCodec.INSTANCE));
                check(owned.connectPubSub("socket-reads-test"));
            } finally {
                users.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                owned.shutdown();
            }
        }
    }

    private static void check(StatefulRedisPubSubConnection<byte[], byte[]> connection) throws Exception {
        try (connection) {
            SocketReads reads = SocketReads.of(connection);
            assertThat(reads.supported()).isTrue();
            assertThat(reads.pause()).isTrue();
            CompletableFuture<String> pong = connection.async().ping().toCompletableFuture();
            assertThatCode(() -> pong.get(300, TimeUnit.MILLISECONDS)).as("no reply is read while paused")
                    .isInstanceOf(TimeoutException.class);
            reads.resume();
            assertThat(pong.get(5, TimeUnit.SECONDS)).isEqualToIgnoringCase("pong");
        }
    }
}
