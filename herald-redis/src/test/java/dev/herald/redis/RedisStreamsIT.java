package dev.herald.redis;

import static dev.herald.redis.RedisTestSupport.publishAll;
import static dev.herald.redis.TransportHealths.streamsHealth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.ConsumerGroupHealth;
import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventHandler;
import dev.herald.EventType;
import dev.herald.Health;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Durable delivery over Redis Streams: downtime, crashes, poison, restarts, replay, Redis losing its
 * data, shutdown with read entries unfinished. The fault tests end by counting: published = handled
 * + dead-lettered (+ left pending).
 */
class RedisStreamsIT {

    @EventType("it.job")
    public record Job(int n) implements DomainEvent {
    }

    /** A second type, whose handlers may share names with {@link Job}'s. */
    @EventType("it.task")
    public record Task(int n) implements DomainEvent {
    }

    private static final String JOBS = "herald:stream:it.job";
    private static final String TASKS = "herald:stream:it.task";

    private final Resources resources = new Resources();

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
    }

    private RedisServer redis(RedisServer.Builder builder) {
        return resources.add(builder.start());
    }

    private RedisCommands<String, String> raw(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.uri());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        return client.connect().sync();
    }

    private RedisEventBus.Builder streams(RedisServer redis, String source) {
        return RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).source(source);
    }

    private <B extends EventBus> B track(B bus) {
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20));
    }

    private static void publish(EventBus bus, int from, int count) {
        publishAll(bus, from, count, Job::new);
    }

    @Test
    void aSubscriberThatWasDownHandlesAllTenThousandEventsPublishedMeanwhile() {
        RedisServer redis = redis(RedisServer.builder());
        EventBus before = streams(redis, "billing").build();
        before.subscribe(Job.class, "invoice", e -> { });
        before.start();
        before.shutdown();

        EventBus publisher = track(streams(redis, "shop").build());
        publisher.start();
        publish(publisher, 0, 10_000);

        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        EventBus after = track(streams(redis, "billing").build());
        after.subscribe(Job.class, "invoice", e -> {
            seen.add(e.payload().n());
            calls.incrementAndGet();
        });
        after.start();

        eventually().until(() -> seen.size() == 10_000);
        assertThat(calls.get()).as("each event once").isEqualTo(10_000);
        eventually().until(() -> raw(redis).xpending("herald:stream:it.job", "billing:invoice").getCount() == 0);
    }

    @Test
    void aConsumerKilledWithSigkillMidBatchLosesNothing() throws Exception {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        String prefix = "crash";
        // the group exists before anything is published, as with a deployed service
        raw.xgroupCreate(XReadArgs.StreamOffset.from(prefix + ":stream:it.job", "$"), "crash-service:work",
                XGroupCreateArgs.Builder.mkstream());

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                StreamsConsumerProcess.class.getName(), redis.uri(), prefix).redirectErrorStream(true).start();
        resources.add(child::destroyForcibly);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // skip the child's log lines until it is ready
        }
        assertThat(line).as("the consumer process started").isEqualTo("READY");

        EventBus publisher = track(RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).prefix(prefix)
                .source("shop").build());
        publisher.start();
        publish(publisher, 0, 2000);
        eventually().until(() -> raw.scard(prefix + ":done") >= 300);

        child.destroyForcibly(); // SIGKILL: no shutdown hook, no acknowledgement, mid-batch
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pendingAtCrash = raw.xpending(prefix + ":stream:it.job", "crash-service:work").getCount();
        assertThat(pendingAtCrash).as("the killed consumer held unacknowledged entries").isPositive();

        RedisClient survivorClient = RedisClient.create(redis.uri());
        resources.add(() -> survivorClient.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        StatefulRedisConnection<String, String> recorder = survivorClient.connect();
        EventBus survivor = track(RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).prefix(prefix)
                .source("crash-service").instanceId("survivor").visibilityTimeout(Duration.ofSeconds(1)).build());
        survivor.subscribe(Job.class, "work", e -> {
            recorder.sync().incr(prefix + ":calls");
            recorder.sync().sadd(prefix + ":done", Integer.toString(e.payload().n()));
        });
        survivor.start();

        eventually().until(() -> raw.scard(prefix + ":done") == 2000);
        eventually().until(() -> raw.xpending(prefix + ":stream:it.job", "crash-service:work").getCount() == 0);
        long calls = Long.parseLong(raw.get(prefix + ":calls"));
        System.out.printf("crash test: 2000 events, %d pending at the kill, %d handler calls, %d duplicates%n",
                pendingAtCrash, calls, calls - 2000);
        assertThat(calls).isGreaterThanOrEqualTo(2000);
        assertThat(survivor.deadLetters().size()).isZero();
    }

    @Test
    void poisonEntriesBecomeDeadLettersAreAcknowledgedAndTheGroupFlowsOn() {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        String stream = "herald:stream:it.job";
        String group = "jobs:runner";
        raw.xgroupCreate(XReadArgs.StreamOffset.from(stream, "$"), group, XGroupCreateArgs.Builder.mkstream());

        // an entry that a consumer took and never finished, delivered again and again (crash loops)
        String crashLoop = raw.xadd(stream, "event", "{\"specversion\":\"1.0\",\"id\":\"loop-1\",\"source\":\"x\","
                + "\"type\":\"it.job\",\"data\":{\"n\":-1}}");
        List<StreamMessage<String, String>> taken = raw.xreadgroup(Consumer.from(group, "zombie"),
                XReadArgs.StreamOffset.lastConsumed(stream));
        assertThat(taken).hasSize(1);
        for (int i = 0; i < 5; i++) {
            raw.xclaim(stream, Consumer.from(group, "zombie"), 0, crashLoop); // each claim is one more delivery
        }

        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        EventBus bus = track(streams(redis, "jobs").retry(RetryPolicy.none()).deliveryLimit(5)
                .visibilityTimeout(Duration.ofMillis(200)).build());
        bus.subscribe(Job.class, "runner", e -> {
            if (e.payload().n() == 13) {
                throw new IllegalStateException("job 13 always fails");
            }
            handled.add(e.payload().n());
        });
        bus.start();

        raw.xadd(stream, "event", "this is not a CloudEvent"); // written by hand
        publish(bus, 0, 20);                                    // job 13 among them

        eventually().until(() -> handled.size() == 19 && bus.deadLetters().size() == 3);
        List<DeadLetter> letters = bus.deadLetters().list(10);
        assertThat(letters).extracting(DeadLetter::reason).containsExactlyInAnyOrder(
                DeadLetter.Reason.UNDECODABLE, DeadLetter.Reason.HANDLER_FAILED, DeadLetter.Reason.HANDLER_FAILED);
        assertThat(letters).anySatisfy(d -> assertThat(d.error()).contains("job 13 always fails"));
        assertThat(letters).anySatisfy(d -> assertThat(d.error()).contains("delivered").contains("times"));
        eventually().until(() -> raw.xpending(stream, group).getCount() == 0);

        publish(bus, 100, 5);
        eventually().until(() -> handled.containsAll(List.of(100, 101, 102, 103, 104)));
    }

    @Test
    void aRedisRestartInTheMiddleOfConsumptionLosesNoEvent() {
        RedisServer redis = redis(RedisServer.builder().config("appendonly yes").config("appendfsync always"));
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        EventBus bus = track(streams(redis, "restart").visibilityTimeout(Duration.ofSeconds(1)).build());
        bus.subscribe(Job.class, "slow", e -> {
            Thread.sleep(2);
            seen.add(e.payload().n());
        });
        bus.start();
        publish(bus, 0, 1000);
        eventually().until(() -> seen.size() >= 200);

        redis.restart(); // SIGTERM, then the same port and data directory: the stream and group come back from the AOF

        eventually().until(() -> seen.size() == 1000);
        publish(bus, 1000, 10);
        eventually().until(() -> seen.size() == 1010);
        assertThat(bus.deadLetters().size()).isZero();
        eventually().until(() -> raw(redis).xpending("herald:stream:it.job", "restart:slow").getCount() == 0);
    }

    @Test
    void replayHandsOneHandlersPastEventsToItAgainAndNoOneElse() {
        RedisServer redis = redis(RedisServer.builder());
        AtomicInteger fixed = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        RedisEventBus bus = track(streams(redis, "reports").build());
        bus.subscribe(Job.class, "buggy-report", e -> fixed.incrementAndGet());
        bus.subscribe(Job.class, "other-report", e -> other.incrementAndGet());
        bus.start();
        Instant start = Instant.now();
        publish(bus, 0, 10);
        eventually().until(() -> fixed.get() == 10 && other.get() == 10);

        bus.replayFrom("it.job", "buggy-report", start.minusSeconds(1));

        eventually().until(() -> fixed.get() == 20);
        publish(bus, 10, 1);
        eventually().until(() -> fixed.get() == 21 && other.get() == 11);
        assertThat(other.get()).isEqualTo(11);
    }

    /**
     * A bus whose handlers, each blocked until {@code release}, let their groups lag near a
     * retention of 1000 entries; skipped on Redis before 7, which reports no group lag.
     */
    private RedisEventBus laggingBehind(java.util.concurrent.CountDownLatch release, String... handlers) {
        return laggingBehind(release, bus -> { }, handlers);
    }

    /** As {@link #laggingBehind(CountDownLatch, String...)}, with {@code first} subscribing before the blocked handlers. */
    private RedisEventBus laggingBehind(java.util.concurrent.CountDownLatch release,
            java.util.function.Consumer<RedisEventBus> first, String... handlers) {
        RedisServer redis = redis(RedisServer.builder());
        String version = raw(redis).info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("");
        org.junit.jupiter.api.Assumptions.assumeTrue(!version.startsWith("redis_version:6"),
                "Redis before 7 (" + version + ") reports no group lag in XINFO GROUPS");
        RedisEventBus bus = track(streams(redis, "laggard").streamRetention(1000).readBatch(10)
                .visibilityTimeout(Duration.ofMillis(200)).build());
        first.accept(bus);
        for (String handler : handlers) {
            bus.subscribe(Job.class, dev.herald.SubscriptionOptions.named(handler).withQueueCapacity(1), e -> release.await());
        }
        bus.start();
        EventBus publisher = track(streams(redis, "shop").streamRetention(1000).build());
        publisher.start();
        publish(publisher, 0, 950);
        return bus;
    }

    @Test
    void aGroupLaggingNearTheRetentionIsReportedAndRecovers() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        RedisEventBus bus = laggingBehind(release, "stuck");

        eventually().until(() -> !bus.health().up());
        assertThat(bus.health().detail()).contains("laggard:stuck").contains("retention");

        release.countDown();
        eventually().until(() -> bus.health().up());
    }

    @Test
    void healthAsksRedisNothingAndSaysWhenRedisStopsAnswering() {
        RedisServer redis = redis(RedisServer.builder());
        RedisEventBus bus = track(streams(redis, "probed").build());
        bus.subscribe(Job.class, "any", e -> { });
        bus.start();
        eventually().until(() -> bus.health().up());
        AtomicLong slowestNanos = new AtomicLong();

        raw(redis).clientPause(3000); // every client's commands wait, PING included

        eventually().until(() -> {
            long start = System.nanoTime();
            Health health = bus.health();
            slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            return !health.up() && health.detail().contains("does not answer");
        });
        assertThat(Duration.ofNanos(slowestNanos.get())).as("health waits for no reply").isLessThan(Duration.ofMillis(500));
        eventually().until(() -> bus.health().up());
    }

    /**
     * The transport's timer thread asks Redis for each group's lag, and also fails publishes at
     * their timeout: with a server that stops answering (SIGSTOP, a host that froze), the lag
     * asks get no reply, and a publish still fails at its timeout, not after a wait for each of
     * ten groups; the groups keep their last known lag meanwhile.
     */
    @Test
    void aPublishFailsAtItsTimeoutWhileTheLagChecksOfTenGroupsWaitForAServerThatStoppedAnswering() throws Exception {
        RedisServer redis = redis(RedisServer.builder());
        Duration publishTimeout = Duration.ofMillis(500);
        RedisEventBus bus = track(streams(redis, "frozen").visibilityTimeout(Duration.ofMillis(200)) // lag checked every 100 ms
                .publishTimeout(publishTimeout).build());
        for (int i = 0; i < 10; i++) {
            bus.subscribe(Job.class, "handler-" + i, e -> { });
        }
        bus.start();
        eventually().until(() -> bus.health().groups().size() == 10
                && bus.health().groups().stream().allMatch(g -> g.pending().isPresent()));

        redis.suspend();
        try {
            for (int i = 0; i < 3; i++) {
                long sent = System.nanoTime();
                CompletableFuture<?> publish = bus.publish(new Job(i));
                assertThat(publish).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                        .havingCause().isInstanceOf(RedisPublishException.class).withMessageContaining("within the publish timeout");
                Duration took = Duration.ofNanos(System.nanoTime() - sent);
                assertThat(took).as("publish %d failed after %s, its timeout %s", i, took, publishTimeout)
                        .isLessThan(publishTimeout.plusSeconds(2));
            }
            assertThat(bus.health().groups()).as("the last known lag of each group").hasSize(10)
                    .allSatisfy(g -> assertThat(g.pending()).isPresent());
        } finally {
            redis.resume();
        }
        eventually().until(() -> bus.health().up());
    }

    @Test
    void healthCountsAReaderConnectionMadeAgainAndStatesTheRetentionGroupsLagAgainst() {
        RedisServer redis = redis(RedisServer.builder());
        RedisEventBus bus = track(streams(redis, "reconnecting").streamRetention(5000).build());
        List<Integer> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(Job.class, "book", e -> handled.add(e.payload().n()));
        bus.start();
        eventually().until(() -> bus.health().up());
        assertThat(streamsHealth(bus).streamRetention()).isEqualTo(5000);
        assertThat(bus.health().reconnects()).isZero();

        RedisCommands<String, String> admin = raw(redis);
        admin.clientKill(KillArgs.Builder.typeNormal().skipme()); // every connection of the bus, its reader's too

        eventually().until(() -> bus.health().reconnects() >= 1 && bus.health().up());
        assertThat(streamsHealth(bus).reconnects()).isEqualTo(bus.health().reconnects());
        publish(bus, 0, 1);
        eventually().until(() -> handled.equals(List.of(0)));
    }

    @Test
    void twoGroupsLaggingNearTheRetentionAreBothReported() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        RedisEventBus bus = laggingBehind(release, "stuck-a", "stuck-b");

        // both (each reader checks its group in turn while the backlog grows), and for longer than
        // one round of checks (every 100 ms here)
        eventually().until(() -> bus.health().detail().contains("laggard:stuck-a") && bus.health().detail().contains("laggard:stuck-b"));
        for (int i = 0; i < 5; i++) {
            assertThat(bus.health().detail()).contains("laggard:stuck-a").contains("laggard:stuck-b");
            assertThat(streamsHealth(bus).laggingGroups()).extracting(ConsumerGroupHealth::group)
                    .containsExactly("laggard:stuck-a", "laggard:stuck-b");
            Thread.sleep(100);
        }
        assertThat(bus.health().groups()).allSatisfy(group -> {
            assertThat(group.eventType()).isEqualTo("it.job");
            assertThat(group.lag().orElse(0)).isGreaterThan(800);
            assertThat(group.pending().orElse(0)).isPositive();
        });

        release.countDown();
        eventually().until(() -> bus.health().up());
        assertThat(streamsHealth(bus).laggingGroups()).isEmpty();
    }

    @Test
    void ofTwoSameNamedGroupsOnTwoStreamsTheLaggingOneIsReportedAndBothAreListed() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // "same" on tasks keeps up; "same" on jobs is blocked: two groups laggard:same, one per stream
        RedisEventBus bus = laggingBehind(release, b -> b.subscribe(Task.class, "same", e -> { }), "same");

        eventually().until(() -> !bus.health().up());
        assertThat(bus.health().detail()).contains("laggard:same of " + JOBS).doesNotContain(TASKS);
        assertThat(streamsHealth(bus).laggingGroups()).extracting(ConsumerGroupHealth::eventType).containsExactly("it.job");
        assertThat(bus.health().groups()).extracting(ConsumerGroupHealth::eventType, ConsumerGroupHealth::group)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("it.job", "laggard:same"),
                        org.assertj.core.groups.Tuple.tuple("it.task", "laggard:same"));

        release.countDown();
        eventually().until(() -> bus.health().up());
    }

    @Test
    void deduplicationSkipsAnEventAlreadyCompleted() {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        RedisClient client = RedisClient.create(redis.uri());
        resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        Deduplication dedup = Deduplication.create(client, "charge", Duration.ofMinutes(5));
        resources.add(dedup);
        AtomicInteger charged = new AtomicInteger();
        EventBus bus = track(streams(redis, "payments").build());
        bus.subscribe(Job.class, "charge", dedup.wrap(e -> charged.incrementAndGet()));
        bus.start();

        String event = "{\"specversion\":\"1.0\",\"id\":\"pay-1\",\"source\":\"x\",\"type\":\"it.job\",\"data\":{\"n\":1}}";
        raw.xadd("herald:stream:it.job", "event", event);
        raw.xadd("herald:stream:it.job", "event", event); // the same event delivered again
        eventually().until(() -> bus.stats().handled() == 2);

        assertThat(charged.get()).isEqualTo(1);
        assertThat(raw.exists("herald:dedup:charge:pay-1")).isEqualTo(1);
        assertThat(raw.pttl("herald:dedup:charge:pay-1")).isPositive();
    }

    @Test
    void shutdownLeavesUnfinishedEntriesPendingForAnotherInstance() {
        RedisServer redis = redis(RedisServer.builder());
        EventBus first = streams(redis, "handover").visibilityTimeout(Duration.ofMillis(500)).build();
        first.subscribe(Job.class, "work", e -> Thread.sleep(100));
        first.start();
        EventBus publisher = track(streams(redis, "shop").build());
        publisher.start();
        publish(publisher, 0, 50);
        eventually().until(() -> first.stats().received() >= 10);

        ShutdownReport report = first.shutdown(Duration.ofMillis(300));

        assertThat(report.leftPending()).isPositive();
        assertThat(report.parked()).isZero();
        assertThat(first.deadLetters().size()).isZero();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        EventBus second = track(streams(redis, "handover").visibilityTimeout(Duration.ofMillis(500)).build());
        second.subscribe(Job.class, "work", e -> seen.add(e.payload().n()));
        second.start();
        eventually().until(() -> seen.size() + report.handled() >= 50 && seen.size() >= 50 - report.handled());
        eventually().until(() -> raw(redis).xpending("herald:stream:it.job", "handover:work").getCount() == 0);
    }

    // ------------------------------------------------------------------ a group lost with Redis's data

    @Test
    void aConsumerGroupLostInAFlushallIsRecreatedFromTheStartOfTheStreamAndSkipsNothingPublishedAfter() {
        RedisServer redis = redis(RedisServer.builder()); // no persistence: a restart comes back empty
        RedisCommands<String, String> raw = raw(redis);
        publishAcrossALoss(redis, raw::flushall);
    }

    @Test
    void aRedisRestartedEmptyUnderARunningConsumerSkipsNothingPublishedAfterTheRestart() {
        RedisServer redis = redis(RedisServer.builder()); // no persistence: a restart comes back empty
        publishAcrossALoss(redis, redis::restart);
    }

    /**
     * A consumer and a publisher running; Redis loses everything (the group included) while
     * publishing goes on. Every event published after the loss must reach the handler, and so
     * must every entry the new stream holds: nothing Redis accepted after the loss is skipped.
     */
    private void publishAcrossALoss(RedisServer redis, Runnable loss) {
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        EventBus consumer = track(streams(redis, "billing").build());
        consumer.subscribe(Job.class, "invoice", e -> handled.add(e.payload().n()));
        consumer.start();
        EventBus publisher = track(streams(redis, "shop").build());
        publisher.start();

        AtomicInteger next = new AtomicInteger();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Map<Integer, CompletableFuture<Envelope<Job>>> published = new ConcurrentHashMap<>();
        Thread publisherThread = new Thread(() -> {
            while (publishing.get()) {
                int n = next.getAndIncrement();
                published.put(n, publisher.publish(new Job(n)));
            }
        }, "test-publisher");
        publisherThread.start();
        resources.add(() -> {
            publishing.set(false);
            publisherThread.join(10_000);
        });
        eventually().until(() -> handled.size() >= 500);

        loss.run();
        int firstAfterLoss = next.get(); // every event from here on was published after the loss
        eventually().until(() -> next.get() >= firstAfterLoss + 3000);
        publishing.set(false);
        eventually().until(() -> !publisherThread.isAlive());
        int end = next.get();

        List<Integer> afterLoss = IntStream.range(firstAfterLoss, end).boxed().toList();
        afterLoss.forEach(n -> assertThat(published.get(n)).as("publish of %d", n).succeedsWithin(Duration.ofSeconds(30)));
        RedisCommands<String, String> raw = raw(redis);
        List<Integer> inNewStream = raw.xrange(JOBS, Range.create("-", "+")).stream()
                .map(RedisTestSupport::number).toList();
        assertThat(inNewStream).as("the new stream holds every event published after the loss").containsAll(afterLoss);
        eventually().until(() -> handled.containsAll(inNewStream));
        assertThat(handled).as("published after the loss = handled").containsAll(afterLoss);
        eventually().until(() -> raw.xpending(JOBS, "billing:invoice").getCount() == 0);
    }

    // ------------------------------------------------------------------ a poison entry in a batch

    @Test
    void aPoisonEntryThatKillsItsConsumerIsDeadLetteredAloneWithItsTrueNumberOfHandlerStarts(@TempDir Path dir)
            throws Exception {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        String prefix = "poison";
        String stream = prefix + ":stream:it.job";
        String group = PoisonConsumerProcess.SOURCE + ":" + PoisonConsumerProcess.HANDLER;
        int deliveryLimit = 3;
        raw.xgroupCreate(XReadArgs.StreamOffset.from(stream, "$"), group, XGroupCreateArgs.Builder.mkstream());
        EventBus publisher = track(RedisEventBus.builder(redis.uri()).mode(RedisEventBus.Mode.STREAMS).prefix(prefix)
                .source("shop").build());
        publisher.start();
        List<String> eventIds = new ArrayList<>();
        for (int n = 0; n <= 5; n++) { // one read batch: n=3 kills the consumer, n=4 and n=5 are never started
            eventIds.add(publisher.publish(new Job(n)).join().id());
        }

        Path starts = dir.resolve("starts");
        String poison = eventIds.get(3);
        int children = 0;
        while (!deadLettered(publisher, poison)) { // each consumer process dies on n=3 until it is dead-lettered
            assertThat(children).as("consumer processes started").isLessThan(deliveryLimit + 3);
            Process child = startPoisonConsumer(redis, prefix, starts, 3, deliveryLimit, dir.resolve("child-" + children + ".log"));
            children++;
            eventually().until(() -> !child.isAlive() || deadLettered(publisher, poison));
        }
        eventually().until(() -> raw.xpending(stream, group).getCount() == 0); // the last consumer finished the rest

        long observedStarts = Files.readAllLines(starts).size();
        List<DeadLetter> letters = publisher.deadLetters().list(10);
        assertThat(letters).as("only the poison event is dead-lettered").extracting(DeadLetter::eventId).containsExactly(poison);
        assertThat(letters.get(0).attempts()).as("attempts = the handler's starts on it").isEqualTo((int) observedStarts);
        assertThat(observedStarts).as("started as often as the delivery limit allows").isEqualTo(deliveryLimit);
        Map<String, String> calls = raw.hgetall(prefix + ":calls");
        assertThat(calls).as("every other event handled, n=4 and n=5 included").containsOnlyKeys("0", "1", "2", "4", "5");
        // n=4 and n=5 were never started before the poison's dead letter: once each. An event handled just before
        // a consumer died may run again (at least once): its acknowledgement can die with the process
        assertThat(calls).as("n=4 and n=5 once each").containsEntry("4", "1").containsEntry("5", "1");
        assertThat(calls.size() + letters.size()).as("published = handled + dead-lettered").isEqualTo(eventIds.size());
    }

    private static boolean deadLettered(EventBus bus, String eventId) {
        return bus.deadLetters().list(10).stream().anyMatch(d -> eventId.equals(d.eventId()));
    }

    private Process startPoisonConsumer(RedisServer redis, String prefix, Path starts, int poison, int deliveryLimit, Path log)
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                PoisonConsumerProcess.class.getName(), redis.uri(), prefix, starts.toString(), Integer.toString(poison),
                Integer.toString(deliveryLimit)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        resources.add(child::destroyForcibly);
        return child;
    }

    // ------------------------------------------------------------------ shutdown with read entries unfinished

    @Test
    void shutdownCountsEveryEntryItReadAndDidNotFinishAsLeftPending() {
        RedisServer redis = redis(RedisServer.builder());
        EventBus publisher = track(streams(redis, "shop").build());
        publisher.start();
        int published = 600;
        List<CompletableFuture<?>> backlog = new ArrayList<>();
        for (int n = 0; n < published; n++) {
            backlog.add(publisher.publish(new Job(n)));
        }
        CompletableFuture.allOf(backlog.toArray(CompletableFuture[]::new)).join(); // the backlog waits in Redis

        EventBus consumer = streams(redis, "ledger").instanceId("slowpoke").startFrom(Instant.EPOCH)
                .readBatch(1000).build(); // one read takes the whole backlog
        consumer.subscribe(Job.class, SubscriptionOptions.named("book").withQueueCapacity(50), e -> Thread.sleep(20));
        consumer.start();
        eventually().until(() -> consumer.stats().handled() >= 5);

        ShutdownReport report = consumer.shutdown(Duration.ofMillis(300));

        long pendingWithIt = raw(redis).xpending(JOBS, "ledger:book").getConsumerMessageCount()
                .getOrDefault("slowpoke", 0L);
        assertThat(pendingWithIt).as("entries it read and did not finish").isPositive();
        assertThat(report.leftPending()).as("left pending = XPENDING of its consumer").isEqualTo(pendingWithIt);
        assertThat(report.handled() + report.leftPending() + report.deadLettered())
                .as("handled + left pending + dead-lettered = published").isEqualTo(published);
        assertThat(report.parked()).isZero();
    }

    // ------------------------------------------------------------------ entries waiting in its own queue

    @Test
    void entriesWaitingInItsOwnQueueLongerThanTheVisibilityTimeoutAreHandledOnceNotClaimedBack() {
        RedisServer redis = redis(RedisServer.builder());
        EventBus bus = track(streams(redis, "ledger").visibilityTimeout(Duration.ofMillis(300)).build());
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        bus.subscribe(Job.class, SubscriptionOptions.named("book").withConcurrency(1).withQueueCapacity(100), e -> {
            calls.computeIfAbsent(e.payload().n(), n -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(50); // 60 events: the last ones wait about 3 s in the queue, ten visibility timeouts
        });
        bus.start();
        int published = 60;

        publish(bus, 0, published); // one read takes them all into the queue

        RedisCommands<String, String> raw = raw(redis);
        eventually().until(() -> raw.xpending(JOBS, "ledger:book").getCount() == 0
                && bus.stats().handled() >= published && bus.stats().handled() == bus.stats().received());
        assertThat(calls).as("every event handled").containsOnlyKeys(IntStream.range(0, published).boxed().toList());
        assertThat(calls.values()).as("each once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(bus.stats().received()).as("received = published: none handed over twice").isEqualTo(published);
        assertThat(bus.deadLetters().size()).isZero();
    }

    @Test
    void anEntryRedisDeliveredToItsConsumerButThatNeverReachedItIsTakenBackAfterTheVisibilityTimeout() {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        EventBus bus = track(streams(redis, "ledger").instanceId("ledger-0").visibilityTimeout(Duration.ofMillis(300))
                .build());
        bus.subscribe(Job.class, "book", e -> calls.computeIfAbsent(e.payload().n(), n -> new AtomicInteger())
                .incrementAndGet());
        bus.start();
        publish(bus, 0, 3);
        eventually().until(() -> calls.size() == 3);

        // as if the reply to its read were lost with a connection: pending with its consumer, never handed over
        // (added and read in one transaction, before the bus's blocked read is served)
        raw.multi();
        raw.xadd(JOBS, "event", "{\"specversion\":\"1.0\",\"id\":\"lost-1\",\"source\":\"x\",\"type\":\"it.job\","
                + "\"data\":{\"n\":100}}");
        raw.xreadgroup(Consumer.from("ledger:book", "ledger-0"), XReadArgs.StreamOffset.lastConsumed(JOBS));
        List<StreamMessage<String, String>> lost = raw.exec().get(1);
        assertThat(lost).hasSize(1);

        eventually().until(() -> calls.containsKey(100) && raw.xpending(JOBS, "ledger:book").getCount() == 0);
        assertThat(calls.values()).as("each once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
    }

    @Test
    void aConsumerRestartedUnderItsInstanceIdTakesBackWhatItLeftPendingWithoutWaitingForTheVisibilityTimeout() {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        // its earlier run read them and died before acknowledging any
        EventBus publisher = publishFiveReadBy("ledger-0", redis, raw);

        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        EventBus restarted = track(streams(redis, "ledger").instanceId("ledger-0")
                .visibilityTimeout(Duration.ofMinutes(5)).build()); // no other instance would take them in time
        restarted.subscribe(Job.class, "book", e -> calls.computeIfAbsent(e.payload().n(), n -> new AtomicInteger())
                .incrementAndGet());
        restarted.start();
        publish(publisher, 5, 5);

        await().atMost(Duration.ofSeconds(20)).until(() -> calls.size() == 10
                && raw.xpending(JOBS, "ledger:book").getCount() == 0);
        assertThat(calls.values()).as("each once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(restarted.deadLetters().size()).isZero();
    }

    @Test
    void sameNamedHandlersOfTwoTypesRestartedUnderTheirInstanceIdBothTakeBackWhatTheyLeftPending() {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        // its earlier run read five jobs and five tasks, in two groups ledger:book, and died before acknowledging any
        EventBus publisher = publishFiveReadBy("ledger-0", redis, raw);
        raw.xgroupCreate(XReadArgs.StreamOffset.from(TASKS, "$"), "ledger:book", XGroupCreateArgs.Builder.mkstream());
        IntStream.range(0, 5).mapToObj(n -> publisher.publish(new Task(n))).toList().forEach(CompletableFuture::join);
        assertThat(raw.xreadgroup(Consumer.from("ledger:book", "ledger-0"), XReadArgs.StreamOffset.lastConsumed(TASKS)))
                .hasSize(5);

        Set<String> handled = ConcurrentHashMap.newKeySet();
        EventBus restarted = track(streams(redis, "ledger").instanceId("ledger-0")
                .visibilityTimeout(Duration.ofMinutes(5)).build()); // no other instance would take them in time
        restarted.subscribe(Job.class, "book", e -> handled.add("job " + e.payload().n()));
        restarted.subscribe(Task.class, "book", e -> handled.add("task " + e.payload().n()));
        restarted.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 10
                && raw.xpending(JOBS, "ledger:book").getCount() == 0 && raw.xpending(TASKS, "ledger:book").getCount() == 0);
    }

    // ------------------------------------------------------------------ cancel and subscribe again

    @Test
    void entriesACancelledSubscriptionLeftPendingAreHandledOnceByTheSameHandlerSubscribedAgain() {
        RedisServer redis = redis(RedisServer.builder());
        EventBus bus = track(streams(redis, "ledger").visibilityTimeout(Duration.ofMillis(300)).build());
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        EventHandler<Job> book = e -> {
            calls.computeIfAbsent(e.payload().n(), n -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(20);
        };
        SubscriptionOptions options = SubscriptionOptions.named("book").withConcurrency(1).withQueueCapacity(5);
        Subscription first = bus.subscribe(Job.class, options, book);
        bus.start();
        int published = 60;
        publish(bus, 0, published);
        eventually().until(() -> bus.stats().handled() >= 2);

        first.cancel(); // its reader still holds part of a read that the closed queue no longer takes
        eventually().until(() -> bus.stats().leftPending() > 0);
        bus.subscribe(Job.class, options, book);

        RedisCommands<String, String> raw = raw(redis);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> calls.size() == published && raw.xpending(JOBS, "ledger:book").getCount() == 0);
        assertThat(calls.values()).as("each once").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(bus.deadLetters().size()).isZero();
    }

    // ------------------------------------------------------------------ an entry taken over by another consumer

    @Test
    void aClaimedEntryAnotherConsumerTookOverBeforeItsHandlerStartedIsNeitherRunNorAcknowledged() throws Exception {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        // a consumer that died a minute ago left all five pending
        publishFiveReadBy("dead", redis, raw);
        String[] ids = raw.xrange(JOBS, Range.create("-", "+")).stream().map(StreamMessage::getId).toArray(String[]::new);
        raw.xclaim(JOBS, Consumer.from("ledger:book", "dead"),
                XClaimArgs.Builder.minIdleTime(0).idle(Duration.ofMinutes(1)).justid(), ids);

        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        EventBus bus = track(streams(redis, "ledger").instanceId("ledger-0").visibilityTimeout(Duration.ofSeconds(30))
                .build());
        bus.subscribe(Job.class, SubscriptionOptions.named("book").withConcurrency(1), e -> {
            calls.computeIfAbsent(e.payload().n(), n -> new AtomicInteger()).incrementAndGet();
            entered.countDown();
            goOn.await();
        });
        bus.start(); // claims all five at once: the first runs, four wait in its queue
        assertThat(entered.await(20, TimeUnit.SECONDS)).as("the handler started on the first").isTrue();

        // meanwhile another instance takes the four waiting ones over
        raw.xclaim(JOBS, Consumer.from("ledger:book", "other"), XClaimArgs.Builder.minIdleTime(0).justid(),
                ids[1], ids[2], ids[3], ids[4]);
        goOn.countDown();

        eventually().until(() -> bus.stats().handled() + bus.stats().leftPending() == 5);
        assertThat(calls).as("only the entry still its own").containsOnlyKeys(0);
        assertThat(bus.stats().leftPending()).as("counted as handed to another instance").isEqualTo(4);
        assertThat(raw.xpending(JOBS, "ledger:book").getConsumerMessageCount())
                .as("still pending with the consumer that took them").containsExactly(Map.entry("other", 4L));
    }

    @Test
    void entriesReadThatAnotherInstanceTookOverWhileTheyWaitedInTheQueueAreHandledOnceInTotal() throws Exception {
        RedisServer redis = redis(RedisServer.builder());
        RedisCommands<String, String> raw = raw(redis);
        Duration visibility = Duration.ofSeconds(1);
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        CountDownLatch entered = new CountDownLatch(1);
        // a slow instance: each run takes 600 ms, well within the visibility timeout, but the
        // entries read with the first wait in its queue past it
        EventBus slow = track(streams(redis, "ledger").instanceId("slow").visibilityTimeout(visibility).build());
        slow.subscribe(Job.class, SubscriptionOptions.named("book").withConcurrency(1).withQueueCapacity(10), e -> {
            calls.computeIfAbsent(e.payload().n(), n -> new AtomicInteger()).incrementAndGet();
            entered.countDown();
            Thread.sleep(600);
        });
        slow.start();
        EventBus other = track(streams(redis, "ledger").instanceId("other").visibilityTimeout(visibility).build());
        other.subscribe(Job.class, "book", e -> calls.computeIfAbsent(e.payload().n(), n -> new AtomicInteger())
                .incrementAndGet());
        EventBus publisher = track(streams(redis, "shop").build());
        publisher.start();
        int published = 5;

        publish(publisher, 0, published); // one read of the slow instance takes them all
        assertThat(entered.await(20, TimeUnit.SECONDS)).as("the slow instance started on the first").isTrue();
        other.start(); // joins, and claims what waited in the slow one's queue past the visibility timeout

        eventually().until(() -> calls.size() == published && raw.xpending(JOBS, "ledger:book").getCount() == 0
                && slow.stats().handled() + slow.stats().leftPending() == published);
        eventually().until(() -> other.stats().handled() == other.stats().received());
        assertThat(calls.values()).as("each handled once in total").allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        assertThat(slow.stats().handled() + other.stats().handled()).as("handled = published").isEqualTo(published);
        assertThat(other.stats().handled()).as("the other instance took some over").isPositive();
        assertThat(slow.stats().leftPending()).as("the slow one left them to it").isEqualTo(other.stats().handled());
        assertThat(slow.deadLetters().size()).isZero();
    }

    @Test
    void aRedisUserWithoutScriptingStillHasEachHandlerStartOnAClaimedEntryCountedAndIsWarnedOnce() throws Exception {
        RedisServer redis = redis(RedisServer.builder().aclUser("limited on >lpass ~* &* +@all -@scripting"));
        RedisCommands<String, String> raw = raw(redis);
        // a consumer that died a minute ago left all five pending, each read once
        publishFiveReadBy("dead", redis, raw);
        String[] ids = raw.xrange(JOBS, Range.create("-", "+")).stream().map(StreamMessage::getId).toArray(String[]::new);
        raw.xclaim(JOBS, Consumer.from("ledger:book", "dead"),
                XClaimArgs.Builder.minIdleTime(0).idle(Duration.ofMinutes(1)).justid(), ids);
        Logger logger = (Logger) LoggerFactory.getLogger("dev.herald.redis.internal");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch goOn = new CountDownLatch(1);
            EventBus bus = track(RedisEventBus.builder("redis://limited:lpass@127.0.0.1:" + redis.port())
                    .mode(RedisEventBus.Mode.STREAMS).source("ledger").instanceId("ledger-0")
                    .visibilityTimeout(Duration.ofSeconds(30)).build());
            bus.subscribe(Job.class, SubscriptionOptions.named("book").withConcurrency(1), e -> {
                entered.countDown();
                goOn.await();
            });
            bus.start(); // claims all five
            assertThat(entered.await(20, TimeUnit.SECONDS)).as("the handler started on the first").isTrue();

            List<PendingMessage> first = raw.xpending(JOBS,
                    XPendingArgs.Builder.xpending("ledger:book", Range.create(ids[0], ids[0]), Limit.from(1)));
            assertThat(first).singleElement().satisfies(p -> {
                assertThat(p.getConsumer()).isEqualTo("ledger-0");
                assertThat(p.getRedeliveryCount()).as("read once by the dead consumer, started once here").isEqualTo(2);
            });
            goOn.countDown();
            eventually().until(() -> bus.stats().handled() == 5 && raw.xpending(JOBS, "ledger:book").getCount() == 0);
        } finally {
            logger.detachAppender(appender);
        }
        List<String> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("start")).toList();
        assertThat(warnings).as("one warning, not one per entry").singleElement().asString().contains("@scripting");
    }

    /**
     * Publishes jobs 0 to 4 to group {@code ledger:book}, created before at the end of the stream,
     * and reads them all as {@code consumer}, which acknowledges none; returns the publisher.
     */
    private EventBus publishFiveReadBy(String consumer, RedisServer redis, RedisCommands<String, String> raw) {
        raw.xgroupCreate(XReadArgs.StreamOffset.from(JOBS, "$"), "ledger:book", XGroupCreateArgs.Builder.mkstream());
        EventBus publisher = track(streams(redis, "shop").build());
        publisher.start();
        publish(publisher, 0, 5);
        assertThat(raw.xreadgroup(Consumer.from("ledger:book", consumer), XReadArgs.StreamOffset.lastConsumed(JOBS)))
                .hasSize(5);
        return publisher;
    }
}
