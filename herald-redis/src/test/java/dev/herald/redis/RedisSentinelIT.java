package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventType;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * A deployment behind Redis Sentinel (DESIGN section 5: "anything Lettuce's RedisURI takes"):
 * buses built from a {@code redis-sentinel://} URI reach the master, and after the master is
 * killed and Sentinel promotes its replica, they follow to the new master; what the subscriber
 * missed meanwhile is counted, and published = handled + counted missed.
 */
class RedisSentinelIT {

    @EventType("it.sentinel-ping")
    record Ping(int n) implements DomainEvent {
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50));
    }

    @Test
    void busesReachTheMasterThroughSentinelAndFollowAFailover() {
        try (RedisServer master = RedisServer.start();
                RedisServer replica = RedisServer.builder().replicaOf(master).start();
                RedisServer sentinel = RedisServer.builder().sentinelOf("herald-master", master).start()) {
            eventually().until(() -> replicaIsInSync(replica) && sentinelKnowsTheReplica(sentinel));
            Set<Integer> handled = ConcurrentHashMap.newKeySet();
            RedisEventBus subscriber = RedisEventBus.builder(sentinel.sentinelUri()).source("sentinel-sub").build();
            RedisEventBus publisher = RedisEventBus.builder(sentinel.sentinelUri()).source("sentinel-pub").build();
            try {
                subscriber.subscribe(Ping.class, e -> handled.add(e.payload().n()));
                subscriber.start();
                publisher.start();
                assertThat(subscriber.health().detail()).contains("redis-sentinel://127.0.0.1:" + sentinel.port() + "#herald-master");

                publishAll(publisher, 0, 10);
                eventually().until(() -> handled.size() == 10);

                master.kill(); // SIGKILL: Sentinel sees it down after 1 s and promotes the replica
                CompletableFuture<?> duringFailover = publisher.publish(new Ping(10)); // waits, then goes to the new master
                eventually().until(() -> masterPort(sentinel) == replica.port());
                duringFailover.join();
                eventually().until(() -> subscriber.health().up() && subscriber.health().counters().get("reconnects") >= 1);
                publishAll(publisher, 11, 10);

                eventually().until(() -> handled.containsAll(IntStream.range(11, 21).boxed().toList()));
                assertThat(handled).containsAll(IntStream.range(0, 10).boxed().toList());
                assertThat(handled.size() + subscriber.missedEvents()).as("handled + counted missed = published").isEqualTo(21);
            } finally {
                publisher.shutdown(Duration.ofSeconds(5));
                subscriber.shutdown(Duration.ofSeconds(5));
            }
        }
    }

    private static void publishAll(RedisEventBus bus, int from, int count) {
        CompletableFuture.allOf(IntStream.range(from, from + count).mapToObj(i -> bus.publish(new Ping(i)))
                .toArray(CompletableFuture[]::new)).join();
    }

    private static boolean replicaIsInSync(RedisServer replica) {
        return command(replica.uri(), c -> c.sync().info("replication")).contains("master_link_status:up");
    }

    private static boolean sentinelKnowsTheReplica(RedisServer sentinel) {
        return command("redis://127.0.0.1:" + sentinel.port(), c -> !c.sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                new io.lettuce.core.output.ArrayOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("REPLICAS").add("herald-master"))
                .isEmpty());
    }

    private static int masterPort(RedisServer sentinel) {
        List<Object> address = command("redis://127.0.0.1:" + sentinel.port(), c -> c.sync().dispatch(
                io.lettuce.core.protocol.CommandType.SENTINEL, new io.lettuce.core.output.ArrayOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("GET-MASTER-ADDR-BY-NAME")
                        .add("herald-master")));
        return address.size() == 2 ? Integer.parseInt(String.valueOf(address.get(1))) : -1;
    }

    private static <T> T command(String uri, java.util.function.Function<StatefulRedisConnection<String, String>, T> work) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return work.apply(c);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
