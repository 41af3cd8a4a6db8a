package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters on a Redis Cluster while the master of the dead-letter stream fails over: one
 * written meanwhile reaches the promoted replica within its bound, is stored once and counted
 * stored, and nothing held for the old master is written when it comes back.
 */
class ClusterDeadLetterIT {

    @EventType("it.dlq.poison")
    public record Poison(int n) implements DomainEvent {
    }

    private static final String DEAD_LETTERS = RedisKeys.deadLetters("herald");
    private static final String POISON_STREAM = RedisKeys.stream("herald", "it.dlq.poison");

    private final Resources resources = new Resources();

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
    }

    /** A started Streams bus whose handler of {@link Poison} fails on every event, at once dead-lettered. */
    private RedisEventBus refusingEveryPoison(RedisCluster cluster) {
        RedisEventBus bus = RedisEventBus.builder(cluster.clusterUri()).mode(RedisEventBus.Mode.STREAMS).source("shop")
                .retry(RetryPolicy.none()).build();
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        bus.subscribe(Poison.class, "refuses", e -> {
            throw new IllegalStateException("refused " + e.payload().n());
        });
        bus.start();
        return bus;
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50));
    }

    /**
     * Before the fix, the write waited in Lettuce for the dead master for its whole bound (the
     * publish timeout, 10 s), was reported not stored ({@code deadLettersNotStored} 1, the dead
     * letter only in the log), and was stored anyway once the old master came back.
     */
    @Test
    void aDeadLetterWrittenWhileItsMasterFailsOverIsStoredOnceAndCountedStored() throws Exception {
        RedisCluster cluster = resources.add(RedisCluster.builder().masters(3).replicasPerMaster(1).start());
        RedisServer killed = cluster.masterOf(DEAD_LETTERS);
        assertThat(cluster.masterOf(POISON_STREAM)).as("the poison's stream is on another master than the dead letters")
                .isNotEqualTo(killed);
        RedisEventBus bus = refusingEveryPoison(cluster);
        String first = bus.publish(new Poison(0)).join().id();
        eventually().until(() -> bus.deadLetters().size() == 1);

        CompletableFuture<RedisServer> promoted = CompletableFuture.supplyAsync(() -> cluster.killMaster(killed));
        eventually().until(() -> !killed.isRunning()); // isRunning() waits for the kill to end
        String second = bus.publish(new Poison(1)).join().id(); // its dead letter is written while its master is gone
        promoted.get(60, TimeUnit.SECONDS);
        eventually().until(() -> bus.stats().deadLettered() == 2); // its write ended, stored or not
        ClusterPublishIT.returns(killed);

        assertThat(bus.stats().deadLettersNotStored()).as("dead letters reported not stored").isZero();
        List<DeadLetter> letters = bus.deadLetters().list(10);
        assertThat(letters).extracting(DeadLetter::eventId).as("each dead letter stored once").containsExactly(first, second);
    }

    /**
     * The first command on the store's connection, a read, goes to a master whose connection
     * Lettuce has not opened yet, and which a connection for writes would reject meanwhile
     * ("Currently not connected"): the store waits for that connection first.
     */
    @Test
    void aBusNotStartedReadsTheDeadLettersAtOnce() {
        RedisCluster cluster = resources.add(RedisCluster.builder().masters(3).start());
        RedisEventBus writer = refusingEveryPoison(cluster);
        writer.publish(new Poison(0)).join();
        eventually().until(() -> writer.stats().deadLettered() == 1);

        RedisEventBus reader = RedisEventBus.builder(cluster.clusterUri()).build();
        resources.add(() -> reader.shutdown(Duration.ofSeconds(5)));

        assertThat(reader.deadLetters().size()).isEqualTo(1);
    }
}
