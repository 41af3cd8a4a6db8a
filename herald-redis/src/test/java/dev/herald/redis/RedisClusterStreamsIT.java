package dev.herald.redis;

import static dev.herald.redis.RedisTestSupport.numbersIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.EventHandler;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisTestSupport.Publishing;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streams mode on a Redis Cluster of real redis-server processes: types spread over the masters,
 * a master killed and a slot moved while events flow, dead letters, replicas waited for. Each
 * fault test ends by counting: every event whose publish completed is handled or dead-lettered
 * (with the one loss Redis's asynchronous replication allows, stated where it applies).
 */
class RedisClusterStreamsIT {

    /** On the first master of a 3-master cluster: its stream's slot is 599. */
    @EventType("it.job")
    public record Job(int n) implements DomainEvent {
    }

    /** On the third master: slot 12533. */
    @EventType("it.task")
    public record Task(int n) implements DomainEvent {
    }

    /** On the second master: slot 6240. */
    @EventType("it.order")
    public record Order(int n) implements DomainEvent {
    }

    private static final String JOBS = RedisKeys.stream("herald", "it.job");

    private final Resources resources = new Resources();

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
    }

    private RedisCluster cluster(int replicasPerMaster) {
        return resources.add(RedisCluster.builder().masters(3).replicasPerMaster(replicasPerMaster).start());
    }

    /** A cluster client as a user would configure it: topology refreshed periodically and on redirections. */
    private RedisClusterClient client(RedisCluster cluster) {
        return client(cluster, RedisURI.DEFAULT_TIMEOUT_DURATION);
    }

    /** As {@link #client(RedisCluster)}, giving a node that does not answer up after {@code nodeTimeout}. */
    private RedisClusterClient client(RedisCluster cluster, Duration nodeTimeout) {
        RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream()
                .map(uri -> RedisURI.builder(RedisURI.create(uri)).withTimeout(nodeTimeout).build()).toList());
        client.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(Duration.ofSeconds(2)).enableAllAdaptiveRefreshTriggers().build()).build());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        return client;
    }

    /** A connection to look at the cluster with: a node that stopped answering holds its connecting 5 s, not a minute. */
    private RedisAdvancedClusterCommands<String, String> raw(RedisCluster cluster) {
        return client(cluster, Duration.ofSeconds(5)).connect().sync();
    }

    private RedisEventBus.Builder streams(RedisCluster cluster, String source) {
        return RedisEventBus.builder(cluster.clusterUri()).mode(RedisEventBus.Mode.STREAMS)
                .source(source);
    }

    private <B extends EventBus> B track(B bus) {
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    /** A started bus of the service billing whose handler invoice takes {@link Job}s; pending entries are taken over after 2 s. */
    private EventBus invoicing(RedisCluster cluster, EventHandler<Job> handler) {
        return invoicing(streams(cluster, "billing"), handler);
    }

    /** As {@link #invoicing(RedisCluster, EventHandler)}, built from {@code billing}. */
    private EventBus invoicing(RedisEventBus.Builder billing, EventHandler<Job> handler) {
        EventBus consumer = track(billing.visibilityTimeout(Duration.ofSeconds(2)).build());
        consumer.subscribe(Job.class, "invoice", handler);
        consumer.start();
        return consumer;
    }

    private EventBus started(RedisEventBus.Builder builder) {
        EventBus bus = track(builder.build());
        bus.start();
        return bus;
    }

    /** Publishes {@link Job}s numbered 0, 1, 2... on a thread of its own, about two a millisecond, at most 200 unanswered. */
    private static Publishing publishingJobs(EventBus publisher) {
        return Publishing.start(publisher, Job::new, 200, Duration.ofNanos(500_000));
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50));
    }

    @Test
    void eventTypesSpreadOverTheMastersAndEveryHandlerOfEveryServiceReceivesEveryEventAndReportsItsGroup() {
        RedisCluster cluster = cluster(0);
        Set<RedisServer> masters = new HashSet<>();
        for (String type : List.of("it.job", "it.task", "it.order")) {
            masters.add(cluster.masterOf(RedisKeys.stream("herald", type)));
        }
        assertThat(masters).as("the masters of the three streams").hasSizeGreaterThanOrEqualTo(2);

        RedisClusterClient client = client(cluster); // a user's cluster client this time
        Map<String, Set<String>> seen = new ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        List<EventBus> consumers = new ArrayList<>();
        for (String service : List.of("billing", "audit")) {
            EventBus bus = track(RedisEventBus.builder(client).mode(RedisEventBus.Mode.STREAMS).source(service)
                    .visibilityTimeout(Duration.ofSeconds(2)).build()); // groups are checked every second
            consumers.add(bus);
            bus.subscribe(Job.class, "record", e -> record(seen, service, "job", e.payload().n(), calls));
            bus.subscribe(Task.class, "record", e -> record(seen, service, "task", e.payload().n(), calls));
            bus.subscribe(Order.class, "record", e -> record(seen, service, "order", e.payload().n(), calls));
            bus.start();
        }
        EventBus publisher = track(RedisEventBus.builder(client).mode(RedisEventBus.Mode.STREAMS).source("shop").build());
        publisher.start();

        List<CompletableFuture<?>> published = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            published.add(publisher.publish(new Job(i)));
            published.add(publisher.publish(new Task(i)));
            published.add(publisher.publish(new Order(i)));
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).join();

        eventually().until(() -> seen.values().stream().mapToInt(Set::size).sum() == 2 * 3 * 500);
        assertThat(seen).hasSize(6).allSatisfy((handler, events) -> assertThat(events).as(handler).hasSize(500));
        assertThat(calls.get()).as("each event once per service").isEqualTo(2 * 3 * 500);
        assertThat(publisher.deadLetters().size()).isZero();
        for (EventBus consumer : consumers) { // XINFO GROUPS of each stream, on its master
            eventually().until(() -> TransportHealths.streamsHealth(consumer).groups().stream()
                    .filter(g -> g.lag().equals(OptionalLong.of(0)) && g.pending().equals(OptionalLong.of(0))).count() == 3);
        }
    }

    private static void record(Map<String, Set<String>> seen, String service, String type, int n, AtomicInteger calls) {
        seen.computeIfAbsent(service + ":" + type, k -> ConcurrentHashMap.newKeySet()).add(type + n);
        calls.incrementAndGet();
    }

    /**
     * Without {@code publishReplicas}, Redis replicates asynchronously: an entry the killed master
     * acknowledged and had not yet sent to its replica is gone with it, though its publish
     * completed. Herald promises that nothing the stream holds after the failover, which is
     * everything that had been replicated, is lost, and that the reader resumes by itself on the
     * promoted replica; so this counts the events acknowledged and missing from the stream (on
     * localhost, usually none) and asserts that each is from before the promotion, that there are
     * no more of them than publishes in flight just before the kill, and that every other
     * acknowledged event is handled.
     */
    @Test
    void aReaderFollowsItsStreamToThePromotedReplicaAndLosesNothingReplicated() throws Exception {
        RedisCluster cluster = cluster(1);
        RedisServer master = cluster.masterOf(JOBS);
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        EventBus consumer = invoicing(cluster, e -> handled.add(e.payload().n()));
        EventBus publisher = started(streams(cluster, "shop"));

        int promotedAt;
        try (Publishing publishing = publishingJobs(publisher)) {
            eventually().until(() -> publishing.acked().size() >= 1000);
            int inFlightAtKill = publishing.unanswered();
            int publishedAtKill = publishing.sent(); // publishing goes on while the master is being killed
            cluster.killMaster(master); // returns once the replica is promoted and every node agrees
            promotedAt = publishing.sent();
            eventually().until(() -> publishing.ackedFrom(promotedAt).size() >= 1000);
            publishing.stopAndAwait();

            eventually().until(() -> handled.containsAll(publishing.ackedFrom(promotedAt)));
            Set<Integer> inStream = new HashSet<>(numbersIn(raw(cluster), JOBS));
            Set<Integer> replicated = new TreeSet<>(publishing.acked());
            replicated.retainAll(inStream);
            eventually().until(() -> handled.containsAll(replicated));
            Set<Integer> lost = new TreeSet<>(publishing.acked());
            lost.removeAll(inStream);
            System.out.printf("failover: %d published, %d acknowledged, %d failed, %d acknowledged but not replicated%n",
                    publishing.sent(), publishing.acked().size(), publishing.failed().size(), lost.size());

            assertThat(lost).as("acknowledged, not replicated: only by the master that was killed")
                    .allMatch(n -> n < promotedAt);
            assertThat(lost).as("acknowledged, not replicated: only what was in flight just before the kill or published "
                    + "while it was being killed (from %d on)", publishedAtKill - inFlightAtKill)
                    .allMatch(n -> n >= publishedAtKill - inFlightAtKill);
            eventually().until(() -> consumer.health().up());
            assertThat(publishing.neverPublished(handled)).as("handled but never published").isEmpty();
            assertThat(consumer.deadLetters().size()).isZero();
        }
    }

    /**
     * A master that stops answering without closing its connections (SIGSTOP, as a host that
     * froze or a network partition): the read sent to it gets no reply, and the reader gives the
     * node up by itself, after its block time plus a margin, not after the command timeout: the
     * consumer's URI sets Lettuce's default of 60 s, not Herald's 5 s. It resumes on the replica
     * the cluster promoted once its client has loaded the new topology, and Lettuce's topology
     * refresh waits that timeout for the frozen node before it gives it up: about a minute here.
     */
    @Test
    void aReaderWhoseMasterStopsAnsweringGivesItUpByItselfAndResumesOnThePromotedReplica() throws Exception {
        RedisCluster cluster = cluster(1);
        RedisServer master = cluster.masterOf(JOBS);
        RedisServer replica = cluster.replicas().stream()
                .filter(r -> plain(r).info("replication").contains("master_port:" + master.port())).findFirst().orElseThrow();
        // long enough to tell the reader's own bound (its block time plus 2 s) from the node's timeout
        Duration nodeTimeout = Duration.ofSeconds(25);
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        EventBus consumer = invoicing(RedisEventBus.builder(cluster.clusterUri() + "?timeout=" + nodeTimeout.toSeconds() + "s")
                .mode(RedisEventBus.Mode.STREAMS).source("billing"), e -> handled.add(e.payload().n()));
        EventBus publisher = started(streams(cluster, "shop").publishTimeout(Duration.ofSeconds(5)));

        try (Publishing publishing = publishingJobs(publisher)) {
            eventually().until(() -> publishing.acked().size() >= 500);
            master.suspend();
            resources.add(master::resume); // before the buses are shut down
            long stoppedNanos = System.nanoTime();
            int stoppedAt = publishing.sent();
            // the read failed by the reader's own bound, and health names why; waiting for the
            // node's timeout, it would say "(no reply)" for 25 s
            await().atMost(nodeTimeout.dividedBy(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
                String detail = consumer.health().detail();
                return !consumer.health().up() && !detail.contains("(no reply)") && detail.contains("the reader of group "
                        + "billing:invoice on " + JOBS + " has read nothing from 127.0.0.1:" + master.port() + " for ");
            });
            eventually().until(() -> plain(replica).info("replication").contains("role:master"));
            eventually().until(() -> publishing.ackedFrom(stoppedAt).size() >= 500);
            publishing.stopAndAwait();

            Set<Integer> afterStop = publishing.ackedFrom(stoppedAt);
            Duration left = nodeTimeout.plusSeconds(30).minusNanos(System.nanoTime() - stoppedNanos);
            await().atMost(left.isNegative() ? Duration.ZERO : left).pollInterval(Duration.ofMillis(50))
                    .until(() -> handled.containsAll(afterStop));
            Set<Integer> replicated = new TreeSet<>(publishing.acked());
            replicated.retainAll(new HashSet<>(numbersIn(raw(cluster), JOBS)));
            eventually().until(() -> handled.containsAll(replicated));
            // health no longer names the reader; it may still say that Redis does not answer: on a
            // cluster its PING goes to the node Lettuce's connection uses for commands without a
            // key, which may be the stopped one
            eventually().untilAsserted(() -> assertThat(consumer.health().detail()).doesNotContain("has read nothing"));
            master.resume();
            eventually().untilAsserted(() -> assertThat(consumer.health().up()).as("%s", consumer.health()).isTrue());
            assertThat(consumer.deadLetters().size()).isZero();
        }
    }

    private RedisCommands<String, String> plain(RedisServer node) {
        RedisClient client = RedisClient.create(RedisURI.builder(RedisURI.create(node.uri())).withTimeout(Duration.ofSeconds(2))
                .build());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
        return client.connect().sync();
    }

    @Test
    void withPublishReplicasNothingAcknowledgedIsLostWhenItsMasterIsKilled() throws Exception {
        RedisCluster cluster = cluster(1);
        RedisServer master = cluster.masterOf(JOBS);
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        EventBus consumer = invoicing(cluster, e -> {
            Thread.sleep(1); // slower than the publisher: a backlog waits in the stream when the master dies
            handled.add(e.payload().n());
        });
        EventBus publisher = started(streams(cluster, "shop").publishReplicas(1, Duration.ofMillis(500)));

        try (Publishing publishing = publishingJobs(publisher)) {
            eventually().until(() -> publishing.acked().size() >= 2000);
            assertThat(handled.size()).as("a backlog when the master dies").isLessThan(publishing.acked().size());
            cluster.killMaster(master);
            // the promoted replica has no replica of its own: WAIT 1 fails from now on
            eventually().until(() -> publishing.failures().stream().anyMatch(f -> f.contains("only 0 of the 1 replica(s) asked for")));
            publishing.stopAndAwait();

            eventually().until(() -> handled.containsAll(publishing.acked()));
            assertThat(publishing.neverPublished(handled)).as("handled but never published").isEmpty();
            assertThat(consumer.deadLetters().size()).isZero();
            System.out.printf("failover with publishReplicas(1): %d acknowledged and all handled, %d failed%n",
                    publishing.acked().size(), publishing.failed().size());
        }
    }

    @Test
    void aReaderFollowsItsStreamWhenItsSlotMovesToAnotherMaster() throws Exception {
        RedisCluster cluster = cluster(0);
        RedisServer from = cluster.masterOf(JOBS);
        RedisServer to = cluster.masters().stream().filter(m -> !m.equals(from)).findFirst().orElseThrow();
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        EventBus consumer = invoicing(cluster, e -> handled.add(e.payload().n()));
        EventBus publisher = started(streams(cluster, "shop"));

        try (Publishing publishing = publishingJobs(publisher)) {
            eventually().until(() -> publishing.acked().size() >= 1000);
            cluster.moveSlot(cluster.slotOf(JOBS), to);
            int movedAt = publishing.sent();
            eventually().until(() -> publishing.ackedFrom(movedAt).size() >= 1000);
            publishing.stopAndAwait();

            assertThat(cluster.masterOf(JOBS)).isEqualTo(to);
            assertThat(publishing.failed()).as("publishes failed while the slot moved: %s", publishing.failures()).isEmpty();
            eventually().until(() -> handled.containsAll(publishing.acked()));
            assertThat(publishing.neverPublished(handled)).as("handled but never published").isEmpty();
            assertThat(consumer.deadLetters().size()).isZero();
            RedisClient plain = RedisClient.create(to.uri());
            resources.add(() -> plain.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
            eventually().until(() -> plain.connect().sync().clientList().contains("cmd=xreadgroup"));
            System.out.printf("slot moved: %d acknowledged and all handled%n", publishing.acked().size());
        }
    }

    @Test
    void aPoisonEventIsDeadLetteredInThePrefixDlqStreamOfTheClusterAndCanBeReplayed() {
        RedisCluster cluster = cluster(0);
        AtomicBoolean poisoned = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Integer> handled = new ConcurrentLinkedQueue<>();
        EventBus bus = track(streams(cluster, "billing").retry(RetryPolicy.none()).build());
        bus.subscribe(Job.class, "invoice", e -> {
            if (e.payload().n() == 13 && poisoned.get()) {
                throw new IllegalStateException("ledger closed");
            }
            handled.add(e.payload().n());
        });
        bus.start();
        for (int i = 0; i < 20; i++) {
            bus.publish(new Job(i)).join();
        }

        eventually().until(() -> handled.size() == 19 && bus.deadLetters().size() == 1);
        String dlq = RedisKeys.deadLetters("herald");
        RedisClient plain = RedisClient.create(cluster.masterOf(dlq).uri());
        resources.add(() -> plain.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        assertThat(plain.connect().sync().xlen(dlq)).as("the dead letter is an entry of %s on its slot's master", dlq)
                .isEqualTo(1);
        DeadLetter letter = bus.deadLetters().list(10).get(0);
        assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
        assertThat(letter.error()).contains("ledger closed");

        poisoned.set(false);
        bus.deadLetters().replay(letter.id()).join();

        assertThat(handled).hasSize(20).contains(13);
        assertThat(bus.deadLetters().size()).isZero();
    }

    @Test
    void publishReplicasCompletesAPublishOnceAReplicaHasItAndFailsNamingTheCountsAndTheMasterWhenTooFewExist() {
        RedisCluster cluster = cluster(1);
        EventBus enough = track(streams(cluster, "shop").publishReplicas(1, Duration.ofSeconds(2)).build());
        enough.start();
        EventBus tooMany = track(streams(cluster, "shop").publishReplicas(2, Duration.ofMillis(200)).build());
        tooMany.start();

        for (int i = 0; i < 100; i++) {
            enough.publish(new Job(i)).join();
        }
        assertThat(raw(cluster).xlen(JOBS)).isEqualTo(100);

        RedisServer master = cluster.masterOf(JOBS);
        CompletableFuture<?> refused = tooMany.publish(new Job(100));
        assertThat(refused).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
                .havingRootCause().isInstanceOf(RedisPublishException.class)
                .withMessageContaining("only 1 of the 2 replica(s) asked for (publishReplicas)")
                .withMessageContaining("master 127.0.0.1:" + master.port())
                .withMessageContaining("within 200 ms");
    }

    @Test
    void deduplicationOnAClusterSkipsAnEventAlreadyCompleted() {
        RedisCluster cluster = cluster(0);
        RedisAdvancedClusterCommands<String, String> raw = raw(cluster);
        Deduplication dedup = Deduplication.create(client(cluster), "charge", Duration.ofMinutes(5));
        resources.add(dedup);
        AtomicInteger charged = new AtomicInteger();
        EventBus bus = track(streams(cluster, "payments").build());
        bus.subscribe(Job.class, "charge", dedup.wrap(e -> charged.incrementAndGet()));
        bus.start();

        String event = "{\"specversion\":\"1.0\",\"id\":\"pay-1\",\"source\":\"x\",\"type\":\"it.job\",\"data\":{\"n\":1}}";
        raw.xadd(JOBS, "event", event);
        raw.xadd(JOBS, "event", event); // the same event delivered again
        eventually().until(() -> bus.stats().handled() == 2);

        assertThat(charged.get()).isEqualTo(1);
        assertThat(raw.exists("herald:dedup:charge:pay-1")).isEqualTo(1);
        assertThat(raw.pttl("herald:dedup:charge:pay-1")).isPositive();
    }
}
