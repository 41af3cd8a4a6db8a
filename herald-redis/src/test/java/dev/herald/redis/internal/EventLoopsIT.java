package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The canary for batching on a connection's event loop: from a reply callback, the loop is found
 * through public Lettuce and Netty API, for Herald's own client and for a user's plain one.
 */
class EventLoopsIT {

    @Test
    void aReplyCallbackFindsTheEventLoopRunningItOnHeraldsClientAndOnAUsersPlainClient() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisEndpoint owned = RedisEndpoint.owned(redis.uri());
            RedisClient plain = RedisClient.create(redis.uri());
            try {
                assertFoundInReplyCallback(owned.client());
                assertFoundInReplyCallback(plain);
            } finally {
                owned.shutdown();
                plain.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    private static void assertFoundInReplyCallback(RedisClient client) throws Exception {
        EventLoops loops = new EventLoops(client.getResources());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            CompletableFuture<Boolean> found = new CompletableFuture<>();
            // a reply that takes a second: the callback is registered before it, and runs on the event loop
            connection.async().blpop(1, "event-loops-it").thenRun(() -> {
                EventLoop loop = loops.current(null);
                found.complete(loop != null && loop.inEventLoop() && loops.current(loop) == loop);
            });
            assertThat(found.get(5, TimeUnit.SECONDS)).as("event loop found in a reply callback").isTrue();
            assertThat(loops.current(null)).as("none off Netty").isNull();
        } finally {
            loops.release();
        }
    }
}
