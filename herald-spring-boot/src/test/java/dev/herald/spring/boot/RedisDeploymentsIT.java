package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.redis.RedisEventBus;
import dev.herald.spring.HeraldListener;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The bus on each Redis deployment that spring.data.redis.* describes: Sentinel, Cluster, Cluster with a password. */
class RedisDeploymentsIT {

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Contexts.redisAutoConfiguration(), HeraldAutoConfiguration.class,
                        HeraldListenerAutoConfiguration.class))
                .withUserConfiguration(Recording.class);
    }

    @Test
    void aMasterFoundThroughSentinelCarriesEvents() {
        try (RedisServer master = RedisServer.builder().password("s3cret").start();
                RedisServer sentinel = RedisServer.builder().sentinelOf("mymaster", master).start()) {
            runner().withPropertyValues("spring.data.redis.sentinel.master=mymaster",
                    "spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port(), "spring.data.redis.password=s3cret",
                    "herald.prefix=sentinel-it").run(context -> publishAndReceive(context.getBean(RedisEventBus.class),
                            context.getBean(Recording.class)));
        }
    }

    @Test
    void aClusterCarriesEventsOnTheFactorysClusterClient() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).start()) {
            runner().withPropertyValues("spring.data.redis.cluster.nodes=" + nodes(cluster), "herald.prefix=cluster-it")
                    .run(context -> publishAndReceive(context.getBean(RedisEventBus.class), context.getBean(Recording.class)));
        }
    }

    @Test
    void aClusterWithAPasswordCarriesEventsOnAUriOfTheFactorysNodes() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).password("p@ss:w%rd").start()) {
            runner().withPropertyValues("spring.data.redis.cluster.nodes=" + nodes(cluster), "spring.data.redis.password=p@ss:w%rd",
                    "herald.prefix=cluster-pw-it").run(context -> {
                        RedisEventBus bus = context.getBean(RedisEventBus.class);
                        publishAndReceive(bus, context.getBean(Recording.class));
                        assertThat(bus.health().detail()).doesNotContain("p@ss");
                    });
        }
    }

    private static String nodes(RedisCluster cluster) {
        return cluster.masters().stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    private static void publishAndReceive(RedisEventBus bus, Recording recording) {
        assertThat(bus.health().up()).as(bus.health().detail()).isTrue();
        bus.publish(new OrderPlaced("d-1")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recording.orders).contains(new OrderPlaced("d-1")));
    }

    @Configuration(proxyBeanMethods = false)
    static class Recording {
        final List<OrderPlaced> orders = new CopyOnWriteArrayList<>();

        @HeraldListener
        void on(OrderPlaced order) {
            orders.add(order);
        }
    }
}
