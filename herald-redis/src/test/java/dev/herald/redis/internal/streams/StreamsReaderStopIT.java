package dev.herald.redis.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.internal.bus.BusThreads;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.spi.DeliveryListener;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A Streams reader blocked in {@code XREADGROUP ... BLOCK} when the transport closes. */
class StreamsReaderStopIT {

    private static final String STREAM = "herald:stream:it.job";
    /**
     * How long the readers' reads block: a close that ends them returns well before; one waiting
     * for them would take this long. A read still blocked gets entries added after the close at
     * once, so watching for a second (a reader's longest retry backoff) shows none was.
     */
    private static final Duration BLOCK = Duration.ofSeconds(2);
    private static final String EVENT = "{\"specversion\":\"1.0\",\"id\":\"late\",\"source\":\"x\",\"type\":\"it.job\","
            + "\"data\":{\"n\":1}}";

    /** A transport of source {@code ledger} whose reads block for {@link #BLOCK}, started. */
    private static RedisStreamsTransport started(RedisEndpoint endpoint) {
        RedisStreamsTransport transport = new RedisStreamsTransport(endpoint, new RedisStreamsTransport.Options(
                "herald", "ledger", "ledger-0", Duration.ofSeconds(5), 10_000, 100,
                BLOCK, Duration.ofSeconds(30), 5, "$", 0, Duration.ZERO, BusThreads.daemonPlatform()));
        transport.start();
        return transport;
    }

    /** Counts the deliveries of a transport once it was closed. */
    private static final class AfterClose {
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicInteger delivered = new AtomicInteger();

        DeliveryListener listener() {
            return delivery -> {
                if (closed.get()) {
                    delivered.incrementAndGet();
                }
            };
        }

        int delivered() {
            return delivered.get();
        }

        /** Closes the transport, giving it 300 ms, and checks that it ended the blocked reads rather than waited for them. */
        void close(RedisStreamsTransport transport) {
            long start = System.nanoTime();
            transport.close(Duration.ofMillis(300));
            closed.set(true);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(took).as("close(300 ms) took %d ms: it ended the blocked read, not waited for its block of %s", took,
                    BLOCK).isLessThan(BLOCK.toMillis());
        }
    }

    @Test
    void closingEndsAReadBlockedInXreadgroupSoNothingIsReadOrDeliveredAfterCloseReturns() throws Exception {
        try (Resources resources = new Resources()) {
            RedisServer redis = resources.add(RedisServer.start());
            RedisClient client = RedisClient.create(redis.uri());
            resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
            RedisEndpoint endpoint = RedisEndpoint.owned(redis.uri());
            resources.add(endpoint::shutdown);
            RedisCommands<String, String> raw = client.connect().sync();
            RedisStreamsTransport transport = started(endpoint);
            AfterClose afterClose = new AfterClose();
            transport.subscribe("it.job", "book", afterClose.listener());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> raw.clientList().contains("cmd=xreadgroup"));

            afterClose.close(transport);
            for (int i = 0; i < 3; i++) {
                raw.xadd(STREAM, "event", EVENT); // what a reader still blocked would now read
            }
            await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> afterClose.delivered() == 0 && raw.xpending(STREAM, "ledger:book").getCount() == 0);
        }
    }

    @Test
    void onAClusterClosingEndsTheReadsBlockedOnEveryMasterNotOnlyOnTheNodeAKeylessCommandReaches() throws Exception {
        List<String> types = List.of("it.job", "it.task", "it.order"); // their streams are on the three masters
        try (Resources resources = new Resources()) {
            RedisCluster cluster = resources.add(RedisCluster.builder().masters(3).start());
            RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
            resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
            RedisEndpoint endpoint = RedisEndpoint.owned(cluster.clusterUri());
            resources.add(endpoint::shutdown);
            RedisAdvancedClusterCommands<String, String> raw = client.connect().sync();
            Set<RedisServer> masters = new HashSet<>();
            for (String type : types) {
                masters.add(cluster.masterOf("herald:stream:" + type));
            }
            assertThat(masters).hasSize(3);
            RedisStreamsTransport transport = started(endpoint);
            AfterClose afterClose = new AfterClose();
            for (String type : types) {
                transport.subscribe(type, "book", afterClose.listener());
            }
            for (RedisServer master : masters) {
                RedisClient plain = RedisClient.create(master.uri());
                try {
                    RedisCommands<String, String> node = plain.connect().sync();
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                            .until(() -> node.clientList().contains("cmd=xreadgroup"));
                } finally {
                    plain.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                }
            }

            afterClose.close(transport);
            for (String type : types) {
                raw.xadd("herald:stream:" + type, "event", EVENT.replace("it.job", type)); // what a reader still blocked would read
            }
            await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> afterClose.delivered() == 0 && types.stream()
                            .allMatch(type -> raw.xpending("herald:stream:" + type, "ledger:book").getCount() == 0));
        }
    }
}
