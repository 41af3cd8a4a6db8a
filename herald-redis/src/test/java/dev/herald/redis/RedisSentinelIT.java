package dev.herald.redis;

import static dev.herald.redis.RedisTestSupport.withConnection;
import static dev.herald.redis.TransportHealths.pubSubHealth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventType;
import dev.herald.testkit.RedisServer;
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

    /** A master, its replica, and a Sentinel that knows both. */
    private record Deployment(RedisServer master, RedisServer replica, RedisServer sentinel) implements AutoCloseable {
        static Deployment start() {
            RedisServer master = RedisServer.start();
            RedisServer replica = RedisServer.builder().replicaOf(master).start();
            RedisServer sentinel = RedisServer.builder().sentinelOf("herald-master", master).start();
            Deployment d = new Deployment(master, replica, sentinel);
            try {
                eventually().until(() -> replicaIsInSync(replica) && sentinelKnowsTheReplica(sentinel));
            } catch (RuntimeException | Error e) {
                d.close(); // no server outlives a failed test
                throw e;
            }
            return d;
        }

        RedisEventBus bus(RedisEventBus.Mode mode, String source) {
            return RedisEventBus.builder(sentinel.sentinelUri()).mode(mode).source(source).build();
        }

        @Override
        public void close() {
            sentinel.close();
            replica.close();
            master.close();
        }
    }

    /** A subscribed bus and a publishing bus through the Sentinel, 10 events already published and handled. */
    private record Buses(RedisEventBus subscriber, RedisEventBus publisher, Set<Integer> handled) implements AutoCloseable {
        static Buses started(Deployment d, RedisEventBus.Mode mode) {
            Set<Integer> handled = ConcurrentHashMap.newKeySet();
            RedisEventBus subscriber = d.bus(mode, "sentinel-service");
            RedisEventBus publisher = d.bus(mode, "sentinel-publisher");
            Buses buses = new Buses(subscriber, publisher, handled);
            subscriber.subscribe(Ping.class, e -> handled.add(e.payload().n()));
            subscriber.start();
            publisher.start();
            publishAll(publisher, 0, 10);
            eventually().until(() -> handled.size() == 10);
            return buses;
        }

        @Override
        public void close() {
            publisher.shutdown(Duration.ofSeconds(5));
            subscriber.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void busesReachTheMasterThroughSentinelAndFollowAFailover() {
        try (Deployment d = Deployment.start(); Buses b = Buses.started(d, RedisEventBus.Mode.PUBSUB)) {
            assertThat(b.subscriber().health().detail()).contains("redis-sentinel://127.0.0.1:" + d.sentinel().port() + "#herald-master");

            d.master().kill(); // SIGKILL: Sentinel sees it down after 1 s and promotes the replica
            CompletableFuture<?> duringFailover = b.publisher().publish(new Ping(10)); // waits, then goes to the new master
            eventually().until(() -> masterPort(d.sentinel()) == d.replica().port());
            duringFailover.join();
            eventually().until(() -> b.subscriber().health().up() && pubSubHealth(b.subscriber()).reconnects() >= 1);
            publishAll(b.publisher(), 11, 10);

            eventually().until(() -> b.handled().containsAll(IntStream.range(11, 21).boxed().toList()));
            assertThat(b.handled()).containsAll(IntStream.range(0, 10).boxed().toList());
            assertThat(b.handled().size() + b.subscriber().missedEvents()).as("handled + counted missed = published").isEqualTo(21);
        }
    }

    @Test
    void aStreamsDeploymentFollowsAFailoverAndHandlesWhatIsPublishedAfterIt() {
        try (Deployment d = Deployment.start(); Buses b = Buses.started(d, RedisEventBus.Mode.STREAMS)) {
            eventually().until(() -> replicaOffsetCaughtUp(d.master(), d.replica())); // what Redis acknowledged is on the replica

            d.master().kill();
            eventually().until(() -> masterPort(d.sentinel()) == d.replica().port());
            publishAll(b.publisher(), 10, 10);

            eventually().until(() -> b.handled().containsAll(IntStream.range(0, 20).boxed().toList()));
        }
    }

    private static boolean replicaOffsetCaughtUp(RedisServer master, RedisServer replica) {
        return offset(master.uri(), "master_repl_offset:") == offset(replica.uri(), "slave_repl_offset:");
    }

    private static long offset(String uri, String field) {
        String info = withConnection(uri, c -> c.sync().info("replication"));
        return info.lines().filter(l -> l.startsWith(field)).mapToLong(l -> Long.parseLong(l.substring(field.length()).trim()))
                .findFirst().orElse(-1);
    }

    private static void publishAll(RedisEventBus bus, int from, int count) {
        RedisTestSupport.publishAll(bus, from, count, Ping::new);
    }

    private static boolean replicaIsInSync(RedisServer replica) {
        return withConnection(replica.uri(), c -> c.sync().info("replication")).contains("master_link_status:up");
    }

    private static boolean sentinelKnowsTheReplica(RedisServer sentinel) {
        return withConnection("redis://127.0.0.1:" + sentinel.port(), c -> !c.sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                new io.lettuce.core.output.ArrayOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("REPLICAS").add("herald-master"))
                .isEmpty());
    }

    private static int masterPort(RedisServer sentinel) {
        List<Object> address = withConnection("redis://127.0.0.1:" + sentinel.port(), c -> c.sync().dispatch(
                io.lettuce.core.protocol.CommandType.SENTINEL, new io.lettuce.core.output.ArrayOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("GET-MASTER-ADDR-BY-NAME")
                        .add("herald-master")));
        return address.size() == 2 ? Integer.parseInt(String.valueOf(address.get(1))) : -1;
    }
}
