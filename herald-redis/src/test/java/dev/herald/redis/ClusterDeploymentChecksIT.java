package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.EventBus;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * What a bus checks about the deployment at start: a one-server URI to a node of a cluster is
 * refused (its Pub/Sub would not meet the cluster's buses, its Streams would hit MOVED), and
 * {@code publishReplicas} on masters without replicas is warned about, naming each master.
 */
class ClusterDeploymentChecksIT {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.builder().masters(3).start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(RedisEventBus.Mode.class)
    void aOneServerUriToAClusterNodeIsRefusedNamingTheClusterForm(RedisEventBus.Mode mode) {
        RedisServer node = cluster.masters().get(0);
        EventBus bus = RedisEventBus.builder(node.uri()).mode(mode).source("checks").build();
        try {
            assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + node.port())
                    .hasMessageContaining("is a node of a Redis Cluster")
                    .hasMessageContaining("redis-cluster://");
        } finally {
            bus.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = RedisEventBus.Mode.class, names = "STREAMS")
    void publishReplicasOnMastersWithoutReplicasIsWarnedAboutNamingEachMaster(RedisEventBus.Mode mode) {
        List<String> warnings = warningsDuring(() -> {
            EventBus bus = RedisEventBus.builder(cluster.clusterUri()).mode(mode).source("checks")
                    .publishReplicas(1, Duration.ofMillis(200)).build();
            try {
                bus.start();
            } finally {
                bus.close();
            }
        });
        for (RedisServer master : cluster.masters()) {
            assertThat(warnings).as("a warning naming %s", master)
                    .anyMatch(w -> w.contains("publishReplicas(1)") && w.contains("127.0.0.1:" + master.port() + " has 0"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = RedisEventBus.Mode.class, names = "STREAMS")
    void publishReplicasOnAServerWithoutReplicasIsWarnedAbout(RedisEventBus.Mode mode) {
        try (RedisServer server = RedisServer.start()) {
            List<String> warnings = warningsDuring(() -> {
                EventBus bus = RedisEventBus.builder(server.uri()).mode(mode).source("checks")
                        .publishReplicas(1, Duration.ofMillis(200)).build();
                try {
                    bus.start();
                } finally {
                    bus.close();
                }
            });
            assertThat(warnings).anyMatch(w -> w.contains("publishReplicas(1)") && w.contains(":" + server.port())
                    && w.contains("has 0"));
        }
    }

    private static List<String> warningsDuring(Runnable work) {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.herald.redis");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            work.run();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
