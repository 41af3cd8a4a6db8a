package dev.herald.redis;

import static dev.herald.redis.RedisTestSupport.publishAll;
import static dev.herald.redis.RedisTestSupport.withConnection;
import static dev.herald.redis.TransportHealths.pubSubHealth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.SubscriptionOptions;
import dev.herald.redis.RedisTestSupport.Publishing;
import dev.herald.testkit.RedisCluster;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pub/Sub on a real Redis Cluster: sharded channels spread over the masters, and subscriptions
 * that follow their slot through a failover, a slot migration and a killed connection, counting
 * what they missed meanwhile.
 */
class RedisClusterPubSubIT {

    @EventType("it.cluster.order-placed")
    record OrderPlaced(int n) implements DomainEvent {
    }

    @EventType("it.cluster.payment-taken")
    record PaymentTaken(int n) implements DomainEvent {
    }

    @EventType("it.cluster.parcel-sent")
    record ParcelSent(int n) implements DomainEvent {
    }

    @EventType("it.cluster.invoice-sent")
    record InvoiceSent(int n) implements DomainEvent {
    }

    /** About 1.1 KB on the wire. */
    @EventType("it.cluster.large-a")
    record LargeA(int n, String pad) implements DomainEvent {
    }

    @EventType("it.cluster.large-b")
    record LargeB(int n, String pad) implements DomainEvent {
    }

    private static final String ORDERS = "herald:it.cluster.order-placed";

    /** Closed in reverse: flows and health logs, then buses, then clients, then the cluster. */
    private final Resources resources = new Resources();

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
    }

    /** Started first in each test, so closed after the buses, which would otherwise see their masters go. */
    private RedisCluster start(RedisCluster.Builder builder) {
        return resources.add(builder.start());
    }

    private <B extends EventBus> B track(B bus) {
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    private static String uri(RedisCluster cluster) {
        return cluster.clusterUri();
    }

    private RedisEventBus bus(RedisCluster cluster) {
        RedisEventBus bus = RedisEventBus.builder(uri(cluster)).heartbeat(Duration.ofMillis(100), Duration.ofMillis(500))
                .publishTimeout(Duration.ofSeconds(30)).build();
        return track(bus);
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20));
    }

    @Test
    void eventTypesSpreadOverTheMastersAndEveryHandlerOfEveryInstanceReceivesEveryEventOnHeraldsClientAndAUsers() {
        RedisCluster cluster = start(RedisCluster.builder().masters(3));
        Map<String, IntFunction<DomainEvent>> types = Map.of("it.cluster.order-placed", OrderPlaced::new,
                "it.cluster.payment-taken", PaymentTaken::new, "it.cluster.parcel-sent", ParcelSent::new,
                "it.cluster.invoice-sent", InvoiceSent::new);
        Set<RedisServer> masters = new HashSet<>();
        types.keySet().forEach(type -> masters.add(cluster.masterOf("herald:" + type)));
        assertThat(masters).as("masters of the four channels").hasSizeGreaterThanOrEqualTo(2);

        Map<String, Set<String>> received = new ConcurrentHashMap<>();
        List<EventBus> instances = new ArrayList<>();
        for (String instance : List.of("a", "b")) {
            EventBus bus;
            if (instance.equals("a")) {
                bus = bus(cluster); // Herald's own client: RESP2
            } else { // a user's client with Lettuce's defaults: RESP3, no topology refresh of its own
                RedisClusterClient client = RedisClusterClient.create(cluster.uris().stream().map(RedisURI::create).toList());
                resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
                bus = track(RedisEventBus.builder(client).build());
            }
            instances.add(bus);
            for (String handler : List.of("mail", "audit")) {
                for (String type : types.keySet()) {
                    Set<String> seen = ConcurrentHashMap.newKeySet();
                    received.put(instance + "/" + handler + "/" + type, seen);
                    bus.subscribe(type, handler + "-" + type, e -> seen.add(e.id()));
                }
            }
            bus.start();
            assertThat(bus.health().up()).as("health right after start: %s", bus.health()).isTrue();
        }
        EventBus publisher = bus(cluster);
        publisher.start();

        types.values().forEach(event -> publishAll(publisher, 0, 500, event));

        eventually().until(() -> received.values().stream().allMatch(s -> s.size() == 500));
        assertThat(received).hasSize(16);
        for (EventBus bus : instances) {
            assertThat(bus.stats().handled()).isEqualTo(2 * 4 * 500);
            assertThat(((RedisEventBus) bus).missedEvents()).isZero();
            assertThat(pubSubHealth(bus).detail()).contains("4 shard channel(s) live on " + masters.size() + " master(s)");
        }
    }

    /** Lettuce opens a master's connection on its first command and writes what waited for it in reverse order. */
    @Test
    void aPublishersFirstEventsOfEachTypeArriveInTheOrderPublished() {
        RedisCluster cluster = start(RedisCluster.builder().masters(3));
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        EventBus subscriber = bus(cluster);
        subscriber.subscribe(OrderPlaced.class, e -> seen.computeIfAbsent("orders", k -> new ArrayList<>()).add(e.payload().n()));
        subscriber.subscribe(PaymentTaken.class, e -> seen.computeIfAbsent("payments", k -> new ArrayList<>()).add(e.payload().n()));
        subscriber.subscribe(ParcelSent.class, e -> seen.computeIfAbsent("parcels", k -> new ArrayList<>()).add(e.payload().n()));
        subscriber.start();
        EventBus publisher = bus(cluster);
        publisher.start();

        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // no wait between types: the first of each go out together
            futures.add(publisher.publish(new OrderPlaced(i)));
            futures.add(publisher.publish(new PaymentTaken(i)));
            futures.add(publisher.publish(new ParcelSent(i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();

        eventually().until(() -> seen.size() == 3 && seen.values().stream().allMatch(l -> l.size() == 300));
        seen.forEach((type, numbers) -> assertThat(numbers).as(type).isSorted());
    }

    /**
     * 2 x 3,000 events of ~1.1 KB (~7 MB) from two masters against an 8 MiB buffer and stuck
     * handlers: past 4 MiB (room for a read from each socket) reading pauses on both
     * connections, the rest waits in Redis, nothing is lost.
     */
    @Test
    void handlersThatStallPauseReadingFromEveryMasterAndLoseNothing() throws Exception {
        RedisCluster cluster = start(RedisCluster.builder().masters(3));
        assertThat(cluster.masterOf("herald:it.cluster.large-a")).as("two masters")
                .isNotEqualTo(cluster.masterOf("herald:it.cluster.large-b"));
        RedisEventBus subscriber = track(RedisEventBus.builder(uri(cluster)).heartbeat(Duration.ofMillis(100),
                Duration.ofMillis(500)).subscriberBuffer(10_000, 8L * 1024 * 1024).build());
        CountDownLatch release = new CountDownLatch(1);
        Set<Integer> seenA = ConcurrentHashMap.newKeySet();
        Set<Integer> seenB = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(LargeA.class, SubscriptionOptions.named("a").withQueueCapacity(4), e -> {
            release.await();
            seenA.add(e.payload().n());
        });
        subscriber.subscribe(LargeB.class, SubscriptionOptions.named("b").withQueueCapacity(4), e -> {
            release.await();
            seenB.add(e.payload().n());
        });
        subscriber.start();
        EventBus publisher = bus(cluster);
        publisher.start();

        String pad = "x".repeat(900);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            futures.add(publisher.publish(new LargeA(i, pad)));
            futures.add(publisher.publish(new LargeB(i, pad)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        eventually().until(() -> pubSubHealth(subscriber).readPauses() >= 1);
        // up all through several heartbeat timeouts: paused is not deaf, on either master
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> subscriber.health().up());
        assertThat(subscriber.health().detail()).contains("reading paused");
        assertThat(pubSubHealth(subscriber).canPauseReads()).isTrue();
        assertThat(pubSubHealth(subscriber).receivedEvents()).isLessThan(6000);
        release.countDown();

        eventually().until(() -> seenA.size() == 3000 && seenB.size() == 3000);
        assertThat(pubSubHealth(subscriber).discardedEvents()).isZero();
        assertThat(subscriber.missedEvents()).isZero();
        assertThat(pubSubHealth(subscriber).reconnects()).isZero();
        eventually().until(() -> subscriber.stats().handled() == 6000);
        assertThat(subscriber.health().up()).isTrue();
    }

    @Test
    void theSubscriptionFollowsAFailoverByItselfAndCountsWhatItMissed() throws Exception {
        RedisCluster cluster = start(RedisCluster.builder().masters(3).replicasPerMaster(1));
        RedisServer master = cluster.masterOf(ORDERS);
        Flowing orders = flowing(cluster);

        RedisServer promoted = cluster.killMaster(master);
        orders.resumesAfter(orders.flow().sent());

        assertThat(cluster.masterOf(ORDERS)).isEqualTo(promoted);
        assertThat(pubSubHealth(orders.subscriber()).reconnects()).as("connections made again").isPositive();
        assertThat(pubSubHealth(orders.subscriber()).resubscriptions()).as("channels subscribed again").isPositive();
        orders.assertAccountedWhileTheChannelWasDown();
    }

    @Test
    void theSubscriptionFollowsAMovedSlotAndCountsWhatItMissed() throws Exception {
        RedisCluster cluster = start(RedisCluster.builder().masters(3));
        RedisServer from = cluster.masterOf(ORDERS);
        RedisServer to = cluster.masters().stream().filter(m -> !m.equals(from)).findFirst().orElseThrow();
        Flowing orders = flowing(cluster);

        cluster.moveSlot(cluster.slotOf(ORDERS), to);
        orders.resumesAfter(orders.flow().sent());

        assertThat(cluster.masterOf(ORDERS)).isEqualTo(to);
        assertThat(subscriptionsOn(to)).as("shard subscriptions on the new master").isEqualTo(2); // channel + heartbeat
        assertThat(subscriptionsOn(from)).as("shard subscriptions left on the old master").isZero();
        assertThat(pubSubHealth(orders.subscriber()).resubscriptions()).as("channels subscribed again").isEqualTo(1);
        assertThat(pubSubHealth(orders.subscriber()).reconnects()).as("connections made again").isZero();
        orders.assertAccountedWhileTheChannelWasDown();
    }

    /** A subscriber of orders, a publisher of one every 2 ms, and the subscriber's health sampled, once 100 arrived. */
    private Flowing flowing(RedisCluster cluster) {
        RedisEventBus subscriber = bus(cluster);
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(OrderPlaced.class, e -> handled.add(e.payload().n()));
        subscriber.start();
        EventBus publisher = bus(cluster);
        publisher.start();
        HealthLog health = HealthLog.of(subscriber);
        Publishing flow = Publishing.steadily(publisher, OrderPlaced::new);
        resources.add(flow);
        resources.add(health);
        eventually().until(() -> handled.size() >= 100);
        return new Flowing(subscriber, handled, flow, health);
    }

    private record Flowing(RedisEventBus subscriber, Set<Integer> handled, Publishing flow, HealthLog health) {

        /** Waits until events published after the fault arrive (by themselves), then stops and waits for health up. */
        void resumesAfter(int sentAtFault) throws InterruptedException {
            eventually().until(() -> handled.stream().anyMatch(n -> n > sentAtFault + 200));
            flow.stopAndAwait();
            eventually().until(() -> pubSubHealth(subscriber).up());
            health.close();
        }

        void assertAccountedWhileTheChannelWasDown() {
            assertThat(health.sawDown(ORDERS)).as("health down naming the channel while it moved: %s", health).isTrue();
            assertThat(flow.failed()).as("publishes that failed, the first: %s", flow.firstFailure()).isEmpty();
            assertAccounted(subscriber, handled, flow.acked().size());
        }
    }

    @Test
    void aKilledShardConnectionIsFoundHealthNamesOnlyItsChannelsAndTheyComeBack() throws Exception {
        RedisCluster cluster = start(RedisCluster.builder().masters(3));
        String payments = "herald:it.cluster.payment-taken";
        String parcels = "herald:it.cluster.parcel-sent";
        String other = cluster.masterOf(payments).equals(cluster.masterOf(ORDERS)) ? parcels : payments;
        assertThat(cluster.masterOf(other)).as("another master than the orders'").isNotEqualTo(cluster.masterOf(ORDERS));
        IntFunction<DomainEvent> otherEvent = other.equals(payments) ? PaymentTaken::new : ParcelSent::new;

        RedisEventBus subscriber = bus(cluster);
        Set<Integer> orders = ConcurrentHashMap.newKeySet();
        Set<Integer> others = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(OrderPlaced.class, e -> orders.add(e.payload().n()));
        if (other.equals(payments)) {
            subscriber.subscribe(PaymentTaken.class, e -> others.add(e.payload().n()));
        } else {
            subscriber.subscribe(ParcelSent.class, e -> others.add(e.payload().n()));
        }
        subscriber.start();
        EventBus publisher = bus(cluster);
        publisher.start();

        HealthLog health = HealthLog.of(subscriber);
        Publishing orderFlow = Publishing.steadily(publisher, OrderPlaced::new);
        Publishing otherFlow = Publishing.steadily(publisher, otherEvent);
        resources.add(orderFlow);
        resources.add(otherFlow);
        resources.add(health);
        eventually().until(() -> orders.size() >= 100 && others.size() >= 100);

        int atKill = orderFlow.sent();
        killSubscriberConnection(cluster.masterOf(ORDERS));
        eventually().until(() -> orders.stream().anyMatch(n -> n > atKill + 200));
        orderFlow.stopAndAwait();
        otherFlow.stopAndAwait();
        eventually().until(() -> pubSubHealth(subscriber).up());
        health.close();

        assertThat(health.sawDown(ORDERS)).as("health down naming the orders' channel: %s", health).isTrue();
        assertThat(health.sawDown(other)).as("health never names the channel on the other master: %s", health).isFalse();
        assertThat(orderFlow.failed().size() + otherFlow.failed().size()).as("publishes that failed").isZero();
        assertAccounted(subscriber, orders, orderFlow.acked().size());
        assertThat(others).as("the other master's channel lost nothing").hasSize(otherFlow.acked().size());
    }

    /**
     * Handled (distinct events: a publish tried again after its reply was lost in the failover can
     * arrive twice) + counted missed = published, once the last events arrived.
     */
    private static void assertAccounted(RedisEventBus subscriber, Set<Integer> handled, int published) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(handled.size() + subscriber.missedEvents())
                .as("handled %d + missed %d = published %d", handled.size(), subscriber.missedEvents(), published)
                .isEqualTo(published));
        assertThat(subscriber.stats().deadLettered()).isZero();
    }

    /** The shard channels Herald's subscriber connection has on a node (CLIENT LIST field ssub). */
    private static int subscriptionsOn(RedisServer node) {
        String line = subscriberLine(node);
        if (line == null) {
            return 0;
        }
        String field = line.substring(line.indexOf(" ssub=") + 6);
        return Integer.parseInt(field.substring(0, field.indexOf(' ')));
    }

    private static void killSubscriberConnection(RedisServer node) {
        String line = subscriberLine(node);
        assertThat(line).as("Herald's subscriber connection on " + node).isNotNull();
        String id = line.substring(3, line.indexOf(' '));
        withConnection(node, c -> c.sync().clientKill(KillArgs.Builder.id(Long.parseLong(id))));
    }

    private static String subscriberLine(RedisServer node) {
        String clients = withConnection(node, c -> c.sync().clientList());
        return clients.lines().filter(l -> l.contains(" name=herald-sub-")).findFirst().orElse(null);
    }

    /** Samples a bus's Pub/Sub health every few milliseconds on a thread of its own. */
    static final class HealthLog implements AutoCloseable {

        private final List<PubSubHealth> samples = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;
        private volatile boolean running = true;

        private HealthLog(EventBus bus) {
            thread = new Thread(() -> {
                while (running) {
                    samples.add(pubSubHealth(bus));
                    try {
                        TimeUnit.MILLISECONDS.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "health-log");
        }

        static HealthLog of(EventBus bus) {
            HealthLog log = new HealthLog(bus);
            log.thread.start();
            return log;
        }

        /** Whether a sample was down with the channel among those down, and named in the detail. */
        boolean sawDown(String channel) {
            synchronized (samples) {
                return samples.stream().anyMatch(h -> !h.up() && h.channelsDown().containsKey(channel) && h.detail().contains(channel));
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }

        @Override
        public String toString() {
            synchronized (samples) {
                return samples.stream().filter(h -> !h.up()).map(PubSubHealth::detail).distinct().limit(10).toList() + " of "
                        + samples.size() + " samples";
            }
        }
    }
}
