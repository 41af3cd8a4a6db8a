package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.internal.bus.BusThreads;
import dev.herald.redis.PubSubHealth;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.spi.BusObserver;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.Resources;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only the heartbeat can find: a shard subscription that went deaf with no word from Redis or Lettuce. */
class ShardedPubSubTransportIT {

    /** RESET: Redis drops the connection's subscriptions and says nothing about them. */
    private enum Reset implements ProtocolKeyword {
        RESET;

        @Override
        public byte[] getBytes() {
            return name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final Resources resources = new Resources();
    private RedisCluster cluster;
    private ShardedPubSubTransport transport;
    private final List<Thread> flows = new ArrayList<>();

    @BeforeEach
    void start() {
        cluster = resources.add(RedisCluster.builder().masters(3).start());
        RedisEndpoint endpoint = RedisEndpoint.owned(cluster.clusterUri());
        resources.add(endpoint::shutdown);
        transport = new ShardedPubSubTransport(endpoint, new PubSubOptions("herald", "it", "deaf-test",
                Clock.systemUTC(), Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMillis(500), 10_000,
                16 * 1024 * 1024, BusThreads.daemonPlatform(), BusObserver.noop()));
        resources.add(() -> transport.close(Duration.ofSeconds(5)));
        transport.start();
    }

    @AfterEach
    void stop() throws Exception {
        resources.close();
    }

    private static byte[] stamped(long seq) {
        return ("{\"specversion\":\"1.0\",\"publisherid\":\"p\",\"publisherseq\":" + seq + ",\"id\":\"e" + seq
                + "\",\"source\":\"s\",\"type\":\"t\",\"data\":{}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes stamped messages of a type every 2 ms until interrupted; the futures of what it sent. */
    private List<CompletableFuture<Void>> flow(String type) {
        List<CompletableFuture<Void>> sent = Collections.synchronizedList(new ArrayList<>());
        Thread t = new Thread(() -> {
            for (long seq = 1; !Thread.currentThread().isInterrupted(); seq++) {
                sent.add(transport.publish(type, stamped(seq)));
                try {
                    TimeUnit.MILLISECONDS.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "flow-" + type);
        flows.add(t);
        t.start();
        return sent;
    }

    private static int completed(List<CompletableFuture<Void>> sent) {
        synchronized (sent) {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            return sent.size();
        }
    }

    @Test
    void aShardSubscriptionMadeDeafBehindItsBackIsFoundByItsHeartbeatNamedInHealthAndSubscribedAgain() throws Exception {
        String deaf = "it.orders";
        String other = Stream.of("it.payments", "it.parcels", "it.invoices", "it.refunds")
                .filter(t -> !cluster.masterOf("herald:" + t).equals(cluster.masterOf("herald:" + deaf))).findFirst().orElseThrow();
        Set<String> deafSeen = ConcurrentHashMap.newKeySet();
        Set<String> otherSeen = ConcurrentHashMap.newKeySet();
        transport.subscribe(deaf, "g", d -> deafSeen.add(new String(d.body(), StandardCharsets.UTF_8)));
        transport.subscribe(other, "g", d -> otherSeen.add(new String(d.body(), StandardCharsets.UTF_8)));
        List<CompletableFuture<Void>> deafSent = flow(deaf);
        List<CompletableFuture<Void>> otherSent = flow(other);
        await().atMost(Duration.ofSeconds(30)).until(() -> deafSeen.size() > 50 && otherSeen.size() > 50);
        assertThat(transport.health().up()).isTrue();

        StatefulRedisPubSubConnection<byte[], byte[]> connection = transport.connectionOf(deaf);
        assertThat(connection).isNotNull();
        connection.async().dispatch(Reset.RESET, new StatusOutput<>(ByteArrayCodec.INSTANCE)).get(5, TimeUnit.SECONDS);
        int atReset = deafSeen.size();

        PubSubHealth down = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(transport::health, h -> !h.up());
        assertThat(down.channelsDown()).containsOnlyKeys("herald:" + deaf);
        assertThat(down.channelsDown().get("herald:" + deaf)).contains("no heartbeat through");
        assertThat(down.detail()).contains("herald:" + deaf).doesNotContain("herald:" + other);
        assertThat(down.heartbeatLate()).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> transport.health().up() && deafSeen.size() > atReset + 100);
        flows.forEach(Thread::interrupt);
        for (Thread t : flows) {
            t.join();
        }
        int published = completed(deafSent);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deafSeen.size() + transport.health().missedEvents())
                .as("handled + missed = published").isEqualTo(published));
        assertThat(transport.health().missedEvents()).as("missed while deaf").isPositive();
        assertThat(transport.health().resubscriptions()).as("subscribed again").isEqualTo(1);
        assertThat(transport.health().reconnects()).as("on the same connection").isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> otherSeen.size() == completed(otherSent));
        assertThat(transport.health().channelsDown()).isEmpty();
    }
}
