package dev.herald.redis.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's Redis Cluster example, verbatim between the markers, run against a real 3-master cluster. */
class ClusterExampleIT {

    @EventType("order.placed")
    record OrderPlaced(String orderId, long cents) implements DomainEvent {
    }

    @EventType("cache.evicted")
    record CacheEvicted(String key) implements DomainEvent {
    }

    @Test
    void readmeExample() {
        try (RedisCluster redisCluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
            String clusterUri = redisCluster.clusterUri();
            String nodeUri = redisCluster.uris().get(0);
            List<String> confirmed = new CopyOnWriteArrayList<>();
            List<String> evicted = new CopyOnWriteArrayList<>();

            // README-EXAMPLE-START
            // Streams, on a cluster client Herald makes and owns
            RedisEventBus orders = RedisEventBus.builder(clusterUri)    // e.g. "redis-cluster://10.0.0.1:7000,10.0.0.2:7000"
                    .mode(RedisEventBus.Mode.STREAMS)
                    .source("orders-service")
                    .publishReplicas(1, Duration.ofSeconds(1))        // a publish completes once a replica has it
                    .build();
            orders.subscribe(OrderPlaced.class, "send-confirmation", e -> confirmed.add(e.payload().orderId()));
            orders.start();
            orders.publish(new OrderPlaced("42", 9950)).join();

            // Pub/Sub (sharded), on a cluster client of yours, which you shut down after the bus
            RedisURI node = RedisURI.create(nodeUri);                  // e.g. "redis://10.0.0.1:7000"
            node.setTimeout(Duration.ofSeconds(5));                    // a node that stops answering is given up after 5 s
            RedisClusterClient client = RedisClusterClient.create(node); // the other nodes take its timeout
            client.setOptions(ClusterClientOptions.builder()
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(5))
                            .enableAllAdaptiveRefreshTriggers()
                            .build())
                    .build());
            EventBus caches = RedisEventBus.builder(client).source("catalog-service").build();
            caches.subscribe(CacheEvicted.class, e -> evicted.add(e.payload().key()));
            caches.start();
            caches.publish(new CacheEvicted("product:7")).join();
            // README-EXAMPLE-END

            await().atMost(Duration.ofSeconds(30)).until(() -> confirmed.size() == 1 && evicted.size() == 1);
            assertThat(confirmed).containsExactly("42");
            assertThat(evicted).containsExactly("product:7");
            assertThat(orders.health().up()).isTrue();
            assertThat(caches.health().up()).isTrue();
            assertThat(orders.shutdown().leftPending()).isZero();
            caches.shutdown();
            client.shutdown();
        }
    }
}
