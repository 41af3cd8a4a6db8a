package dev.herald.redis.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.redis.internal.EventLoops;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The event loop of the Streams transport's commands connection, learnt from replies and again after a reconnect. */
class ReplyLoopIT {

    @Test
    void aConnectionsEventLoopIsLearntThoughTheFirstReplyCameFirstAndLearntAgainAfterAReconnect() throws Exception {
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(4).build();
        EventLoops loops = new EventLoops(resources);
        try (RedisServer redis = RedisServer.start()) {
            RedisClient client = RedisClient.create(resources, redis.uri());
            client.setOptions(ClientOptions.builder().autoReconnect(true).build());
            try (StatefulRedisConnection<String, String> connection = client.connect();
                    StatefulRedisConnection<String, String> admin = client.connect()) {
                ReplyLoop learnt = new ReplyLoop(loops);
                RedisFuture<String> answered = connection.async().ping();
                answered.get(5, TimeUnit.SECONDS);

                learnt.learnFrom(answered); // its callback runs here, off Netty: nothing to learn from it
                assertThat(learnt.current()).as("no loop from a reply that came first").isNull();

                Executor first = learnedFromReplies(learnt, connection);
                assertThat(first).as("the connection's loop").isSameAs(loopOfReplies(connection, loops));

                long id = connection.sync().clientId();
                assertThat(admin.sync().clientKill(KillArgs.Builder.id(id))).isEqualTo(1L);
                await().atMost(Duration.ofSeconds(10)).until(() -> connection.sync().clientId() != id);
                EventLoop now = loopOfReplies(connection, loops);
                assertThat(now).as("the reconnected channel is on another loop of the group").isNotSameAs(first);

                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    learnt.learnFrom(connection.async().ping());
                    return learnt.current() == now;
                });
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        } finally {
            loops.release();
            resources.shutdown(0, 2, TimeUnit.SECONDS).get();
        }
    }

    private static Executor learnedFromReplies(ReplyLoop learnt, StatefulRedisConnection<String, String> connection) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            learnt.learnFrom(connection.async().ping());
            return learnt.current() != null;
        });
        return learnt.current();
    }

    /** The loop a reply callback of the connection runs on (a slow reply: the callback is registered first). */
    private static EventLoop loopOfReplies(StatefulRedisConnection<String, String> connection, EventLoops loops)
            throws Exception {
        CompletableFuture<EventLoop> found = new CompletableFuture<>();
        connection.async().blpop(0.2, "reply-loop-it").whenComplete((value, failure) -> found.complete(loops.current(null)));
        EventLoop loop = found.get(5, TimeUnit.SECONDS);
        assertThat(loop).as("a reply callback runs on an event loop").isNotNull();
        return loop;
    }
}
