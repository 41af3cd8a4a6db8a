package dev.herald.redis;

import static dev.herald.redis.TransportHealths.pubSubHealth;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.BusStats;
import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.ShutdownReport;
import dev.herald.SubscriptionOptions;
import dev.herald.spi.BusObserver;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import dev.herald.testkit.TcpProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What only the Redis Pub/Sub bus does: several instances, real disconnections, Redis's own limits. */
class RedisPubSubIT {

    @EventType("it.order-placed")
    record OrderPlaced(String orderId, int n) implements DomainEvent {
        @Override
        public String aggregateId() {
            return orderId;
        }
    }

    private static RedisServer redis;
    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, String> raw;
    private final Resources resources = new Resources();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        rawClient = RedisClient.create(redis.uri());
        raw = rawClient.connect();
    }

    @AfterAll
    static void stopRedis() {
        raw.close();
        rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.close();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (!redis.isRunning()) {
            redis.startAgain(); // a failed restart test must not fail the tests after it
        }
        resources.close();
        raw.sync().flushall();
    }

    private RedisEventBus.Builder builder(String uri) {
        return RedisEventBus.builder(uri).heartbeat(Duration.ofMillis(100), Duration.ofMillis(500));
    }

    private <B extends EventBus> B track(B bus) {
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20));
    }

    private static void publishAll(EventBus bus, int from, int count) {
        RedisTestSupport.publishAll(bus, from, count, n -> new OrderPlaced("o" + n, n));
    }

    @Test
    void startReturnsOnlyOnceTheSubscriptionIsLiveInRedis() {
        EventBus bus = track(builder(redis.uri()).build());
        bus.subscribe(OrderPlaced.class, e -> { });
        bus.start();
        // right after start(), Redis already counts the bus among the channel's subscribers
        assertThat(raw.sync().publish("herald:it.order-placed", "{}")).isEqualTo(1);
        assertThat(bus.health().up()).isTrue();
    }

    /** Publishes are written in batches, flushed from whichever thread gets there: order must hold anyway. */
    @Test
    void eachOfSeveralPublishingThreadsIsSeenInItsOwnOrderWithoutGaps() throws Exception {
        int threads = 4;
        int each = 3000;
        Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
        RedisEventBus subscriber = track(builder(redis.uri()).build());
        subscriber.subscribe(OrderPlaced.class, e -> seen.computeIfAbsent(Integer.parseInt(e.payload().orderId()),
                t -> java.util.Collections.synchronizedList(new ArrayList<>())).add(e.payload().n()));
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        List<Thread> publishing = new ArrayList<>();
        List<CompletableFuture<?>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            publishing.add(new Thread(() -> {
                for (int n = 0; n < each; n++) {
                    sent.add(publisher.publish(new OrderPlaced(Integer.toString(thread), n))); // never waits
                }
            }));
        }
        publishing.forEach(Thread::start);
        for (Thread t : publishing) {
            t.join();
        }
        CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).join();

        eventually().until(() -> seen.values().stream().mapToInt(List::size).sum() == threads * each);
        assertThat(seen).hasSize(threads);
        for (List<Integer> numbers : seen.values()) {
            synchronized (numbers) {
                assertThat(numbers).hasSize(each).isSorted();
            }
        }
        assertThat(subscriber.missedEvents()).isZero();
        assertThat(subscriber.stats().handled()).isEqualTo((long) threads * each);
    }

    @Test
    void twoBusInstancesWithTwoHandlersEachAllReceiveEveryEvent() {
        Map<String, Set<Integer>> received = new ConcurrentHashMap<>();
        List<EventBus> instances = new ArrayList<>();
        for (String instance : List.of("a", "b")) {
            RedisClient client = RedisClient.create(redis.uri()); // separate clients, as separate services
            resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
            EventBus bus = track(RedisEventBus.builder(client).source("service-" + instance).build());
            instances.add(bus);
            for (String handler : List.of("mail", "audit")) {
                Set<Integer> seen = ConcurrentHashMap.newKeySet();
                received.put(instance + "/" + handler, seen);
                bus.subscribe(OrderPlaced.class, handler, e -> seen.add(e.payload().n()));
            }
            bus.start();
        }
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        publishAll(publisher, 0, 1000);

        eventually().until(() -> received.values().stream().allMatch(s -> s.size() == 1000));
        assertThat(received).hasSize(4);
        for (EventBus bus : instances) {
            assertThat(bus.stats().handled()).isEqualTo(2000);
            assertThat(bus.stats().deadLettered()).isZero();
        }
    }

    @Test
    void gracefulShutdownUnderLoadHandlesOrParksEveryReceivedEvent() {
        EventBus subscriber = track(builder(redis.uri()).build());
        AtomicInteger handled = new AtomicInteger();
        for (String name : List.of("slow-1", "slow-2")) {
            subscriber.subscribe(OrderPlaced.class, name, e -> {
                Thread.sleep(1);
                handled.incrementAndGet();
            });
        }
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        publishAll(publisher, 0, 10_000);
        eventually().until(() -> pubSubHealth(subscriber).receivedEvents() == 10_000);
        ShutdownReport report = subscriber.shutdown(Duration.ofSeconds(2));

        assertThat(report.completedInTime()).isFalse();
        assertThat(report.handled() + report.parked()).as("handled + parked <= received, per handler")
                .isLessThanOrEqualTo(20_000);
        // the events the Pub/Sub intake still hands over after the deadline are parked one by one (a round trip
        // each), possibly after the report; dead letters not stored within the deadline + 1 s are logged instead,
        // counted as not stored. The live counters settle.
        eventually().untilAsserted(() -> {
            BusStats settled = subscriber.stats();
            assertThat(settled.handled() + settled.parked()).as("handled + parked = received, per handler")
                    .isEqualTo(20_000);
            // a write in flight when the time ran out may have reached Redis all the same: then it is stored and,
            // counted as not stored, in the log as well
            assertThat(subscriber.deadLetters().size() + settled.deadLettersNotStored()).as("stored + not stored")
                    .isBetween(settled.parked(), settled.parked() + 100);
        });
        BusStats stats = subscriber.stats();
        assertThat(subscriber.deadLetters().list(100_000)).allMatch(d -> d.reason() == DeadLetter.Reason.SHUTDOWN);
        assertThat(stats.deadLettered()).isEqualTo(stats.parked());
        // a handler that returns just after the deadline parked its event has run; its event counts as handled
        // (its dead letter deleted) unless it returned after its dead letter was counted
        assertThat((long) handled.get()).isBetween(stats.handled(), stats.handled() + 2);
    }

    @Test
    void everyShutdownDeadLetterCarriesTheTypeAndIdOfItsEventAlsoWhenItWasReceivedButNotDecoded() {
        EventBus subscriber = track(builder(redis.uri()).build());
        subscriber.subscribe(OrderPlaced.class, SubscriptionOptions.named("slow").withQueueCapacity(5000), e -> Thread.sleep(1));
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        publishAll(publisher, 0, 3000);
        eventually().until(() -> subscriber.stats().received() == 3000);
        ShutdownReport report = subscriber.shutdown(Duration.ofMillis(300));

        assertThat(report.parked()).isPositive();
        // a handler may still return after the report, voiding its dead letter: the live counters settle
        eventually().until(() -> subscriber.stats().parked() == subscriber.deadLetters().size());
        List<DeadLetter> parked = subscriber.deadLetters().list(10_000);
        assertThat(parked).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(DeadLetter.Reason.SHUTDOWN);
            assertThat(d.eventType()).isEqualTo("it.order-placed");
            assertThat(d.eventId()).isNotNull();
        });
        assertThat(subscriber.stats().handled() + subscriber.stats().deadLettered()).as("handled + dead-lettered = received")
                .isEqualTo(3000);
        assertThat(report.deadLettersNotStored()).isZero();
    }

    @Test
    void gracefulShutdownWithTimeEnoughHandlesEverything() {
        EventBus subscriber = track(builder(redis.uri()).build());
        subscriber.subscribe(OrderPlaced.class, e -> Thread.sleep(1));
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        publishAll(publisher, 0, 500);
        eventually().until(() -> pubSubHealth(subscriber).receivedEvents() == 500);
        ShutdownReport report = subscriber.shutdown(Duration.ofSeconds(30));

        assertThat(report.completedInTime()).isTrue();
        assertThat(report.handled()).isEqualTo(500);
        assertThat(report.parked()).isZero();
        assertThat(subscriber.deadLetters().size()).isZero();
    }

    @Test
    void aSubscriberCutOffFromRedisCountsExactlyTheEventsItMissed() {
        TcpProxy proxy = resources.add(TcpProxy.to(redis.port()));
        RedisEventBus subscriber = track(builder("redis://127.0.0.1:" + proxy.port()).build());
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(OrderPlaced.class, e -> seen.add(e.payload().n()));
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        publishAll(publisher, 0, 10);
        eventually().until(() -> seen.size() == 10);
        proxy.cut();
        eventually().until(() -> !subscriber.health().up());
        publishAll(publisher, 10, 25); // Redis accepts them; the subscriber is not there
        proxy.restore();
        eventually().until(() -> subscriber.health().up());
        publishAll(publisher, 35, 5);

        eventually().until(() -> seen.size() == 15);
        assertThat(seen).doesNotContainAnyElementsOf(range(10, 35));
        assertThat(subscriber.missedEvents()).isEqualTo(25);
        assertThat(pubSubHealth(subscriber).reconnects()).isGreaterThanOrEqualTo(1L);
        assertThat(seen.size() + subscriber.missedEvents()).as("received + missed = published").isEqualTo(40);
    }

    @EventType("it.payment-taken")
    record PaymentTaken(int n) {
    }

    @Test
    void eventsMissedWhileCutOffReachTheObserverAndAreCountedPerType() {
        TcpProxy proxy = resources.add(TcpProxy.to(redis.port()));
        Map<String, Long> told = new ConcurrentHashMap<>();
        RedisEventBus subscriber = track(builder("redis://127.0.0.1:" + proxy.port()).observer(new BusObserver() {
            @Override
            public void missed(String eventType, long count) {
                told.merge(eventType, count, Long::sum);
            }
        }).build());
        Set<Integer> orders = ConcurrentHashMap.newKeySet();
        Set<Integer> payments = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(OrderPlaced.class, e -> orders.add(e.payload().n()));
        subscriber.subscribe(PaymentTaken.class, e -> payments.add(e.payload().n()));
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        publishAll(publisher, 0, 3);
        publisher.publish(new PaymentTaken(0)).join();
        eventually().until(() -> orders.size() == 3 && payments.size() == 1);
        proxy.cut();
        eventually().until(() -> !subscriber.health().up());
        publishAll(publisher, 3, 12); // Redis accepts them; the subscriber is not there
        for (int n = 1; n <= 4; n++) {
            publisher.publish(new PaymentTaken(n)).join();
        }
        proxy.restore();
        eventually().until(() -> subscriber.health().up());
        publishAll(publisher, 15, 1);
        publisher.publish(new PaymentTaken(5)).join();

        eventually().until(() -> orders.size() == 4 && payments.size() == 2);
        Map<String, Long> missed = Map.of("it.order-placed", 12L, "it.payment-taken", 4L);
        assertThat(told).containsExactlyInAnyOrderEntriesOf(missed);
        assertThat(subscriber.stats().missedByType()).containsExactlyInAnyOrderEntriesOf(missed);
        assertThat(subscriber.missedEvents()).isEqualTo(16);
        assertThat(publisher.stats().missedByType()).isEmpty();
    }

    /** About 1.1 KB each on the wire, as the benchmark's events. */
    private static void publishLarge(EventBus bus, int from, int count) {
        String pad = "x".repeat(900);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            futures.add(bus.publish(new OrderPlaced(pad + i, i)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * 6,000 events of ~1.1 KB (~7 MB) against a 4 MiB buffer and a stuck handler: once the buffer
     * is half full the bus stops reading, the rest waits in Redis (under its 32 MB limit), and
     * once the handler goes on every event is handled. Without the pause ~2,500 were discarded.
     */
    @Test
    void aSubscriberWhoseHandlerStallsStopsReadingAndLosesNothing() throws Exception {
        RedisEventBus subscriber = track(builder(redis.uri()).subscriberBuffer(5000, 4L * 1024 * 1024).build());
        CountDownLatch release = new CountDownLatch(1);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        subscriber.subscribe(OrderPlaced.class, SubscriptionOptions.named("stalled").withQueueCapacity(4), e -> {
            release.await();
            seen.add(e.payload().n());
        });
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();

        publishLarge(publisher, 0, 6000);
        eventually().until(() -> pubSubHealth(subscriber).readPauses() >= 1);
        // up all through several heartbeat timeouts (500 ms here): paused is not deaf
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> subscriber.health().up());
        assertThat(subscriber.health().detail()).contains("reading paused");
        assertThat(pubSubHealth(subscriber).receivedEvents()).isLessThan(6000);
        release.countDown();

        eventually().until(() -> seen.size() == 6000);
        assertThat(pubSubHealth(subscriber).discardedEvents()).isZero();
        assertThat(subscriber.missedEvents()).isZero();
        assertThat(pubSubHealth(subscriber).reconnects()).isZero();
        eventually().until(() -> subscriber.stats().handled() == 6000);
        assertThat(subscriber.stats().deadLettered()).isZero();
        assertThat(subscriber.health().up()).isTrue();
    }

    /** Unsubscribing needs Redis's reply on the paused connection: reading resumes for it. */
    @Test
    void aHandlerStuckWhileReadingIsPausedCanStillBeUnsubscribedAndTheBusShutDown() throws Exception {
        RedisEventBus subscriber = track(builder(redis.uri()).subscriberBuffer(5000, 4L * 1024 * 1024).build());
        CountDownLatch release = new CountDownLatch(1);
        dev.herald.Subscription stuck = subscriber.subscribe(OrderPlaced.class,
                SubscriptionOptions.named("stuck").withQueueCapacity(4), e -> release.await());
        subscriber.start();
        EventBus publisher = track(builder(redis.uri()).build());
        publisher.start();
        publishLarge(publisher, 0, 6000);
        eventually().until(() -> pubSubHealth(subscriber).readPauses() >= 1);

        long start = System.nanoTime();
        stuck.cancel(); // without reading again, UNSUBSCRIBE's reply would wait for the 60 s command timeout
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(raw.sync().pubsubNumsub("herald:it.order-placed").get("herald:it.order-placed")).isZero();
        start = System.nanoTime();
        subscriber.shutdown(Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        release.countDown();
    }

    /**
     * A handler that stays stuck: Redis cuts the paused subscriber off at its output-buffer limit
     * (lowered here to 256 KB), the bus reconnects once it reads again, and published = handled +
     * missed, where missed is counted from the publisher's sequence numbers.
     */
    @Test
    void aSubscriberThatStaysBehindIsCutOffByRedisAndCountsExactlyWhatItMissed() throws Exception {
        raw.sync().configSet("client-output-buffer-limit", "pubsub 256kb 128kb 1");
        try {
            RedisEventBus subscriber = track(builder(redis.uri()).subscriberBuffer(1000, 1024 * 1024).build());
            CountDownLatch release = new CountDownLatch(1);
            Set<Integer> seen = ConcurrentHashMap.newKeySet();
            subscriber.subscribe(OrderPlaced.class, SubscriptionOptions.named("stuck").withQueueCapacity(4), e -> {
                release.await();
                seen.add(e.payload().n());
            });
            subscriber.start();
            EventBus publisher = track(builder(redis.uri()).build());
            publisher.start();

            // the kernel's socket buffers take several MB before Redis's own buffer grows: publish
            // until Redis has cut the subscriber (its connection, the one with two channels, is gone)
            int published = 0;
            while (published < 100_000 && raw.sync().clientList().contains(" sub=2 ")) {
                publishLarge(publisher, published, 2000);
                published += 2000;
            }
            assertThat(raw.sync().clientList()).doesNotContain(" sub=2 ");
            assertThat(pubSubHealth(subscriber).reconnects()).as("not noticed while not reading").isZero();
            release.countDown();
            eventually().until(() -> pubSubHealth(subscriber).reconnects() >= 1 && subscriber.health().up());
            publishLarge(publisher, published, 1); // the next event shows the gap
            int total = published + 1;

            eventually().until(() -> seen.contains(total - 1));
            eventually().until(() -> subscriber.stats().handled() == seen.size());
            assertThat(subscriber.missedEvents()).isPositive();
            assertThat(seen.size() + subscriber.missedEvents()).as("handled + missed = published").isEqualTo(total);
        } finally {
            raw.sync().configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60");
        }
    }

    @Test
    void aRedisRestartRestoresSubscriptionsAndPublishesWaitInsteadOfVanishing() {
        RedisEventBus bus = track(builder(redis.uri()).publishTimeout(Duration.ofSeconds(20)).build());
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        bus.subscribe(OrderPlaced.class, e -> seen.add(e.payload().n()));
        bus.start();
        publishAll(bus, 0, 5);
        eventually().until(() -> seen.size() == 5);

        redis.stop();
        List<CompletableFuture<?>> duringOutage = new ArrayList<>();
        for (int i = 5; i < 10; i++) {
            duringOutage.add(bus.publish(new OrderPlaced("o" + i, i)));
        }
        eventually().until(() -> !bus.health().up());
        assertThat(duringOutage).noneMatch(CompletableFuture::isDone);
        redis.startAgain();

        // the publishes made during the outage complete once Redis is back: none is silently dropped
        CompletableFuture.allOf(duringOutage.toArray(CompletableFuture[]::new)).join();
        eventually().until(() -> bus.health().up());
        assertThat(raw.sync().clientList()).as("the subscriber keeps its name, by which its subscriptions are verified")
                .containsPattern("name=herald-sub-[^ ]+ .* sub=2 ");
        publishAll(bus, 10, 5);
        eventually().until(() -> seen.containsAll(range(10, 15)));
        assertThat(pubSubHealth(bus).reconnects()).isGreaterThanOrEqualTo(1L);
        assertThat(seen.size() + bus.missedEvents()).as("received + missed = published").isEqualTo(15);
    }

    @Test
    void publishesFailNamingTheEndpointWhenRedisStaysDownPastThePublishTimeout() {
        RedisServer own = resources.add(RedisServer.start());
        EventBus bus = track(builder(own.uri()).publishTimeout(Duration.ofMillis(500)).build());
        bus.start();
        own.stop();

        CompletableFuture<?> publish = bus.publish(new OrderPlaced("x", 1));

        assertThatThrownBy(publish::join).hasCauseInstanceOf(RedisPublishException.class)
                .hasMessageContaining("redis://127.0.0.1:" + own.port()).hasMessageContaining("PT0.5S");
        assertThat(bus.stats().publishFailed()).isEqualTo(1);
    }

    @Test
    void badInputFromRedisCliBecomesDeadLettersAndAHandWrittenCloudEventIsHandled() throws Exception {
        java.util.Optional<java.nio.file.Path> cli = java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .map(d -> java.nio.file.Path.of(d, "redis-cli")).filter(java.nio.file.Files::isExecutable).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(cli.isPresent(), "no redis-cli on the PATH");
        EventBus bus = track(builder(redis.uri()).build());
        List<OrderPlaced> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, "orders", e -> handled.add(e.payload()));
        bus.start();

        String channel = "herald:it.order-placed";
        redisCli(cli.get(), "PUBLISH", channel, "this is not json");
        redisCli(cli.get(), "PUBLISH", channel, "{\"hello\":\"world\"}");
        redisCli(cli.get(), "PUBLISH", channel, "{\"specversion\":\"1.0\",\"id\":\"x-1\",\"source\":\"cli\","
                + "\"type\":\"it.something-else\",\"data\":{}}");
        redisCli(cli.get(), "PUBLISH", channel, "{\"specversion\":\"1.0\",\"id\":\"cli-1\",\"source\":\"redis-cli\","
                + "\"type\":\"it.order-placed\",\"time\":\"2026-11-26T12:00:00Z\",\"data\":{\"orderId\":\"by-hand\",\"n\":7}}");

        eventually().until(() -> handled.size() == 1 && bus.deadLetters().size() == 3);
        assertThat(handled).containsExactly(new OrderPlaced("by-hand", 7));
        assertThat(bus.deadLetters().list(10)).extracting(DeadLetter::reason)
                .containsExactly(DeadLetter.Reason.UNDECODABLE, DeadLetter.Reason.UNDECODABLE, DeadLetter.Reason.UNKNOWN_TYPE);
        assertThat(bus.deadLetters().list(10).get(0).rawMessageText()).isEqualTo("this is not json");
        assertThat(bus.health().up()).isTrue();
    }

    @Test
    void foreignMessagesWithBadPublisherStampsAreDeliveredAndLeaveTheMissedCountAlone() {
        EventBus bus = track(builder(redis.uri()).build());
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        bus.subscribe(OrderPlaced.class, "orders", e -> handled.add(e.payload().orderId()));
        bus.start();

        String[] stamps = {"1", "9223372036854775806", "\"abc\"", "99999999999999999999", "1.5", "2", "3"};
        for (int i = 0; i < stamps.length; i++) {
            raw.sync().publish("herald:it.order-placed", "{\"specversion\":\"1.0\",\"publisherid\":\"foreign\","
                    + "\"publisherseq\":" + stamps[i] + ",\"id\":\"f-" + i + "\",\"source\":\"elsewhere\","
                    + "\"type\":\"it.order-placed\",\"data\":{\"orderId\":\"f" + i + "\",\"n\":" + i + "}}");
        }

        eventually().until(() -> handled.size() == stamps.length);
        assertThat(handled).containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6");
        assertThat(bus.deadLetters().size()).isZero();
        assertThat(((RedisEventBus) bus).missedEvents()).isZero();
        assertThat(pubSubHealth(bus).missedEvents()).isZero();
    }

    private static void redisCli(java.nio.file.Path cli, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(cli.toString(), "-p", Integer.toString(redis.port())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).as("subscribers that received it").isEqualTo("1");
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void aBusStartedAgainstNoRedisFailsWithTheEndpointInTheMessage() {
        RedisServer own = RedisServer.start();
        int port = own.port();
        own.close();
        EventBus bus = track(RedisEventBus.builder("redis://127.0.0.1:" + port).build());
        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis://127.0.0.1:" + port);
    }

    @Test
    void aBadUriIsRejectedNamingItWithoutThePassword() {
        assertThatThrownBy(() -> RedisEventBus.builder("http://user:secret@host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://")
                .hasMessageNotContaining("secret");
    }

    static String utf8(byte[] b) {
        return new String(b, UTF_8);
    }
}
