package dev.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisClusterTest {

    @Test
    void threeMastersWithOneReplicaEachComeUpOkWithEverySlotServed() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
            assertThat(cluster.masters()).hasSize(3);
            assertThat(cluster.replicas()).hasSize(3);
            assertThat(cluster.uris()).hasSize(6).allMatch(u -> u.startsWith("redis://127.0.0.1:"))
                    .noneMatch(u -> u.endsWith(":6379"));
            for (RedisServer node : cluster.nodes()) {
                assertThat(Resp.string(node.port(), "CLUSTER", "INFO")).contains("cluster_state:ok")
                        .contains("cluster_slots_assigned:16384").contains("cluster_known_nodes:6");
            }
        }
    }

    @Test
    void keysLandOnTheMasterThatServesTheirSlot() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).start()) {
            Set<RedisServer> owners = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                String key = "key-" + i;
                RedisServer master = cluster.masterOf(key);
                owners.add(master);
                assertThat(cluster.slotOf(key)).isEqualTo((int) (long) (Long) Resp.call(master.port(), "CLUSTER", "KEYSLOT", key));
                assertThat(Resp.call(master.port(), "SET", key, "v" + i)).isEqualTo("OK");
                assertThat(Resp.call(master.port(), "GET", key)).isEqualTo("v" + i);
                for (RedisServer other : cluster.masters()) {
                    if (!other.equals(master)) {
                        assertThatThrownBy(() -> Resp.call(other.port(), "GET", key))
                                .hasMessage("MOVED " + cluster.slotOf(key) + " 127.0.0.1:" + master.port());
                    }
                }
            }
            assertThat(owners).as("30 keys spread over the 3 masters").hasSize(3);
        }
    }

    @Test
    void afterAMasterIsKilledItsReplicaServesWhatWasReplicatedBeforeTheKill() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
            RedisServer master = cluster.masterOf("orders");
            // WAIT covers its own connection's writes: on another connection it would not wait for the SET
            assertThat(Resp.callOnOneConnection(master.port(), new String[] {"SET", "orders", "42"},
                    new String[] {"WAIT", "1", "5000"})).isEqualTo(1L);

            RedisServer promoted = cluster.killMaster(master);

            assertThat(master.isRunning()).isFalse();
            assertThat(cluster.masterOf("orders")).isEqualTo(promoted).isNotEqualTo(master);
            assertThat(cluster.masters()).hasSize(3).contains(promoted);
            assertThat(Resp.call(promoted.port(), "GET", "orders")).isEqualTo("42");
            assertThatThrownBy(() -> cluster.killMaster(cluster.masterOf("orders")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no replica");
        }
    }

    @Test
    void aManualFailoverPromotesTheReplica() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
            RedisServer master = cluster.masterOf("orders");
            Resp.call(master.port(), "SET", "orders", "42");
            RedisServer replica = cluster.replicas().stream()
                    .filter(r -> Resp.string(r.port(), "INFO", "replication").contains("master_port:" + master.port()))
                    .findFirst().orElseThrow();

            cluster.failover(replica);

            assertThat(cluster.masterOf("orders")).isEqualTo(replica);
            assertThat(cluster.replicas()).contains(master);
            assertThat(Resp.call(replica.port(), "GET", "orders")).isEqualTo("42");
        }
    }

    @Test
    void aMovedSlotIsServedWithItsKeysByTheNewOwnerAndTheOldOneAnswersMoved() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).start()) {
            RedisServer from = cluster.masterOf("orders");
            int slot = cluster.slotOf("orders");
            for (int i = 0; i < 250; i++) { // more than one MIGRATE batch, all in the slot of "orders"
                Resp.call(from.port(), "SET", "{orders}:" + i, "v" + i);
            }
            Resp.call(from.port(), "SET", "orders", "42");
            RedisServer to = cluster.masters().stream().filter(m -> !m.equals(from)).findFirst().orElseThrow();

            cluster.moveSlot(slot, to);

            assertThat(cluster.masterOf("orders")).isEqualTo(to);
            assertThat(Resp.call(to.port(), "GET", "orders")).isEqualTo("42");
            assertThat(Resp.call(to.port(), "GET", "{orders}:249")).isEqualTo("v249");
            assertThat(Resp.call(to.port(), "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isEqualTo(251L);
            assertThatThrownBy(() -> Resp.call(from.port(), "GET", "orders"))
                    .hasMessage("MOVED " + slot + " 127.0.0.1:" + to.port());
        }
    }

    @Test
    void aClusterWithAPasswordAndAnAclUserRequiresThemOnEveryNodeAndStillMovesSlots() {
        try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).password("s3cret")
                .aclUser("herald on >hpass ~* &* +@all").start()) { // started: each replica synced with masterauth
            for (RedisServer node : cluster.nodes()) {
                assertThat(Resp.firstLine(node.port(), "PING")).startsWith("-NOAUTH");
                assertThat(Resp.callOnOneConnection(node.port(), new String[] {"AUTH", "herald", "hpass"},
                        new String[] {"PING"})).isEqualTo("PONG");
                assertThat(node.uri()).isEqualTo("redis://:s3cret@127.0.0.1:" + node.port());
            }
            RedisServer first = cluster.nodes().get(0);
            assertThat(cluster.clusterUri()).startsWith("redis-cluster://:s3cret@127.0.0.1:" + first.port() + ",");
            assertThat(cluster.clusterUri("herald", "hpass")).startsWith("redis-cluster://herald:hpass@127.0.0.1:" + first.port() + ",")
                    .endsWith(":" + cluster.nodes().get(5).port());

            RedisServer from = cluster.masterOf("orders");
            Resp.call(from, "SET", "orders", "42");
            RedisServer to = cluster.masters().stream().filter(m -> !m.equals(from)).findFirst().orElseThrow();
            cluster.moveSlot(cluster.slotOf("orders"), to); // MIGRATE ... AUTH
            assertThat(Resp.call(to, "GET", "orders")).isEqualTo("42");
        }
    }

    @Test
    void closeStopsEveryNodeAndIsIdempotent() {
        RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start();
        List<RedisServer> nodes = cluster.nodes();

        cluster.close();
        cluster.close();

        for (RedisServer node : nodes) {
            assertThat(node.isRunning()).isFalse();
            assertThatThrownBy(() -> Resp.call(node.port(), "PING")).isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheBadValue() {
        assertThatThrownBy(() -> RedisCluster.builder().masters(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("masters must be at least 1, was 0");
        assertThatThrownBy(() -> RedisCluster.builder().replicasPerMaster(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("replicasPerMaster must be 0 or more, was -1");
        assertThatThrownBy(() -> RedisCluster.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, was PT0S");
        assertThatThrownBy(() -> RedisCluster.builder().password("has space"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without spaces");
    }
}
