package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.BusStats;
import dev.herald.DeadLetter;
import dev.herald.DeadLetterStoreException;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.SubscriptionOptions;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The dead-letter stream: its layout, shared by instances, surviving restarts, bounded. */
class RedisDeadLetterIT {

    @EventType("it.invoice")
    record Invoice(String number) implements DomainEvent {
    }

    private static RedisServer redis;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> raw;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        client = RedisClient.create(redis.uri());
        raw = client.connect();
    }

    @AfterAll
    static void stop() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.close();
    }

    @Test
    void aDeadLetterIsAnEntryOfTheStreamPrefixDlqWithItsFields() {
        EventBus bus = RedisEventBus.builder(redis.uri()).prefix("layout").retry(RetryPolicy.none()).build();
        bus.subscribe(Invoice.class, "book-invoice", e -> {
            throw new IllegalStateException("ledger closed");
        });
        bus.start();
        bus.publish(new Invoice("INV-1")).join();
        await().until(() -> bus.deadLetters().size() == 1);
        bus.shutdown();

        List<StreamMessage<String, String>> entries = raw.sync().xrange("layout:dlq", io.lettuce.core.Range.unbounded());
        assertThat(entries).hasSize(1);
        Map<String, String> fields = entries.get(0).getBody();
        assertThat(fields).containsEntry("reason", "HANDLER_FAILED").containsEntry("type", "it.invoice")
                .containsEntry("handler", "book-invoice").containsEntry("attempts", "1")
                .containsEntry("error", "java.lang.IllegalStateException: ledger closed")
                .containsKeys("time", "raw", "eventId", "stackTrace");
        assertThat(fields.get("raw")).contains("\"number\":\"INV-1\"");
        assertThat(bus.deadLetters().list(10)).extracting(DeadLetter::id).containsExactly(entries.get(0).getId());
    }

    @Test
    void deadLettersOutliveTheBusAndAnotherInstanceReplaysThem() {
        EventBus first = RedisEventBus.builder(redis.uri()).prefix("shared").retry(RetryPolicy.none()).build();
        first.subscribe(Invoice.class, "book-invoice", e -> {
            throw new IllegalStateException("ledger closed");
        });
        first.start();
        first.publish(new Invoice("INV-2")).join();
        await().until(() -> first.deadLetters().size() == 1);
        first.shutdown();
        assertThat(first.deadLetters().list(10)).as("readable after shutdown").hasSize(1);

        ConcurrentLinkedQueue<String> booked = new ConcurrentLinkedQueue<>();
        EventBus second = RedisEventBus.builder(redis.uri()).prefix("shared").build();
        second.subscribe(Invoice.class, "book-invoice", e -> booked.add(e.payload().number()));
        second.start();
        try {
            DeadLetter letter = second.deadLetters().list(10).get(0);
            assertThat(letter.handler()).isEqualTo("book-invoice");

            second.deadLetters().replay(letter.id()).join();

            assertThat(booked).containsExactly("INV-2");
            assertThat(second.deadLetters().size()).isZero();
            assertThat(first.deadLetters().get(letter.id())).isEmpty();
        } finally {
            second.shutdown();
        }
    }

    @Test
    void theStreamIsTrimmedToAboutTheRetention() {
        EventBus bus = RedisEventBus.builder(redis.uri()).prefix("trimmed").retry(RetryPolicy.none())
                .deadLetterRetention(10).build();
        AtomicBoolean fail = new AtomicBoolean(true);
        bus.subscribe(Invoice.class, e -> {
            if (fail.get()) {
                throw new IllegalStateException("no");
            }
        });
        bus.start();
        for (int i = 0; i < 1000; i++) {
            bus.publish(new Invoice("INV-" + i));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.stats().deadLettered() == 1000);
        assertThat(bus.deadLetters().size()).as("MAXLEN ~ 10 trims in whole stream nodes").isLessThan(300);
        assertThat(bus.deadLetters().purge()).isPositive();
        assertThat(bus.deadLetters().size()).isZero();
        assertThat(bus.deadLetters().get("not-an-id")).isEmpty();
        assertThat(bus.deadLetters().delete("1-1")).isFalse();
        bus.shutdown();
    }

    @Test
    void theDeadLetterIdInTheLogIsTheIdUnderWhichItIsStored() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.herald.internal.deadletter.DeadLetterWriter");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        EventBus bus = RedisEventBus.builder(redis.uri()).prefix("logged").retry(RetryPolicy.none()).build();
        try {
            bus.subscribe(Invoice.class, "book-invoice", e -> {
                throw new IllegalStateException("ledger closed");
            });
            bus.start();
            bus.publish(new Invoice("INV-9")).join();
            await().until(() -> bus.stats().deadLettered() == 1);

            String line = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("INV-9") || m.contains("book-invoice")).findFirst().orElseThrow();
            Matcher logged = Pattern.compile("dead letter (\\S+)").matcher(line);
            assertThat(logged.find()).as(line).isTrue();
            assertThat(bus.deadLetters().get(logged.group(1))).as("looked up by the logged id %s", logged.group(1))
                    .hasValueSatisfying(d -> assertThat(d.handler()).isEqualTo("book-invoice"));
        } finally {
            logger.detachAppender(appender);
            bus.shutdown();
        }
    }

    @Test
    void anOversizedMessageForTwoHandlersIsOneCappedEntryOfTheStream() {
        int cap = 16 * 1024;
        int size = 1024 * 1024;
        EventBus bus = RedisEventBus.builder(redis.uri()).prefix("oversized").maxMessageSize(64 * 1024)
                .deadLetterRawLimit(cap).build();
        bus.subscribe(Invoice.class, "book-invoice", e -> { });
        bus.subscribe(Invoice.class, "mail-invoice", e -> { });
        bus.start();
        try {
            for (int i = 0; i < 3; i++) {
                String head = "{\"specversion\":\"1.0\",\"id\":\"big-" + i
                        + "\",\"source\":\"t\",\"type\":\"it.invoice\",\"data\":{\"number\":\"";
                String tail = "\"}}";
                raw.sync().publish("oversized:it.invoice", head + "x".repeat(size - head.length() - tail.length()) + tail);
            }
            await().until(() -> bus.stats().deadLettered() == 6);

            assertThat(raw.sync().xlen("oversized:dlq")).isEqualTo(3);
            assertThat(raw.sync().memoryUsage("oversized:dlq")).as("three capped copies, not six whole ones")
                    .isLessThan(4L * cap + 16 * 1024);
            assertThat(bus.deadLetters().list(10)).hasSize(3).allSatisfy(d -> {
                assertThat(d.reason()).isEqualTo(DeadLetter.Reason.TOO_LARGE);
                assertThat(d.rawMessage()).hasSize(cap);
                assertThat(d.rawMessageLength()).isEqualTo(size);
                assertThat(d.handler()).isIn("book-invoice", "mail-invoice");
            });
            String id = bus.deadLetters().list(1).get(0).id();
            assertThat(catchThrowable(() -> bus.deadLetters().replay(id).join()))
                    .hasMessageContaining("keeps only the first " + cap);
        } finally {
            bus.shutdown();
        }
    }

    @Test
    void whileRedisIsDownShutdownKeepsItsDeadlineAndReportsTheDeadLettersItCouldNotStore() throws Exception {
        RedisServer doomed = RedisServer.start();
        EventBus bus = RedisEventBus.builder(doomed.uri()).build();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        bus.subscribe(Invoice.class, "blocked", e -> {
            started.countDown();
            never.await();
        });
        bus.start();
        try {
            for (int i = 0; i < 3; i++) {
                bus.publish(new Invoice("INV-" + i)).join();
            }
            await().until(() -> bus.stats().received() == 3);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            doomed.kill();

            long begin = System.nanoTime();
            ShutdownReport report = bus.shutdown(Duration.ofSeconds(2));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(took).as("shutdown(2 s) with Redis down").isLessThan(Duration.ofMillis(3000));
            assertThat(report.parked()).isEqualTo(3);
            assertThat(report.deadLettersNotStored()).isEqualTo(3);
            BusStats stats = bus.stats();
            long stored = stats.deadLettered() - stats.deadLettersNotStored();
            assertThat(stats.handled() + stored + stats.deadLettersNotStored()).isEqualTo(stats.received()).isEqualTo(3);
            assertThat(stored).isZero();

            Throwable failure = catchThrowable(() -> bus.deadLetters().list(10));
            assertThat(failure).isExactlyInstanceOf(DeadLetterStoreException.class)
                    .hasMessageContaining("127.0.0.1:" + doomed.port()).hasMessageContaining("Connection refused");
        } finally {
            never.countDown();
            bus.shutdown();
            doomed.close();
        }
    }

    @Test
    void aShutdownThatParksThousandsOfEventsStoresThemAllWithinItsDeadlinePlusASecond() throws Exception {
        int n = 2000;
        EventBus bus = RedisEventBus.builder(redis.uri()).prefix("many").build();
        CountDownLatch never = new CountDownLatch(1);
        bus.subscribe(Invoice.class, SubscriptionOptions.named("slow").withConcurrency(1).withQueueCapacity(n),
                e -> never.await());
        bus.start();
        try {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(bus.publish(new Invoice("INV-" + i)));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            await().until(() -> bus.stats().received() == n);

            long begin = System.nanoTime();
            ShutdownReport report = bus.shutdown(Duration.ofMillis(500));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            // its dead-letter writes end at most 1 s after the deadline; with Redis healthy they take a fraction
            // of it, the rest of the bound is for 2 busy cores
            assertThat(took).as("shutdown(500 ms) parking %d events", n).isLessThan(Duration.ofMillis(2500));
            assertThat(report.parked()).isEqualTo(n);
            assertThat(report.deadLettersNotStored()).isZero();
            assertThat(raw.sync().xlen("many:dlq")).isEqualTo(n);
        } finally {
            never.countDown();
        }
    }

    @Test
    void whileItsRedisAnswersNothingAStreamsShutdownKeepsItsDeadlinePlusASecondAndOtherTestsAreNotPaused() throws Exception {
        // its own Redis: the pause is never lifted, and must not leak into the other tests
        RedisServer paused = RedisServer.start();
        RedisClient pausing = RedisClient.create(paused.uri());
        EventBus bus = RedisEventBus.builder(paused.uri()).mode(RedisEventBus.Mode.STREAMS).prefix("paused").build();
        CountDownLatch never = new CountDownLatch(1);
        bus.subscribe(Invoice.class, "blocked", e -> never.await());
        bus.start();
        try (StatefulRedisConnection<String, String> admin = pausing.connect()) {
            for (int i = 0; i < 3; i++) {
                bus.publish(new Invoice("INV-" + i)).join();
            }
            await().until(() -> bus.stats().received() == 3);
            admin.sync().clientPause(5000); // every client's command now waits: readers, acknowledgements

            long begin = System.nanoTime();
            ShutdownReport report = bus.shutdown(Duration.ofSeconds(1));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(took).as("shutdown(1 s) with Redis answering nothing").isLessThan(Duration.ofMillis(2000));
            assertThat(report.leftPending()).isEqualTo(3);
            long pinged = System.nanoTime();
            assertThat(raw.sync().ping()).isEqualTo("PONG");
            assertThat(Duration.ofNanos(System.nanoTime() - pinged)).as("the other tests' Redis is not paused")
                    .isLessThan(Duration.ofMillis(1000));
        } finally {
            never.countDown();
            bus.shutdown();
            pausing.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            paused.close();
        }
    }

    @Test
    void aHandlerThatSucceedsAfterTheDeadlineParkedItsEventDeletesItsShutdownEntry() throws Exception {
        EventBus bus = RedisEventBus.builder(redis.uri()).prefix("late").build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        bus.subscribe(Invoice.class, "stubborn", e -> {
            started.countDown();
            while (true) { // ignores the shutdown's interrupt
                try {
                    release.await();
                    break;
                } catch (InterruptedException ignored) {
                    // keeps waiting
                }
            }
            returned.countDown();
        });
        bus.start();
        try {
            bus.publish(new Invoice("INV-late")).join();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            ShutdownReport report = bus.shutdown(Duration.ofMillis(200));
            assertThat(report.parked()).isEqualTo(1);
            assertThat(raw.sync().xlen("late:dlq")).isEqualTo(1);

            release.countDown();
            assertThat(returned.await(10, TimeUnit.SECONDS)).isTrue();
            await().untilAsserted(() -> {
                assertThat(raw.sync().xlen("late:dlq")).isZero();
                assertThat(bus.stats().handled()).isEqualTo(1);
                assertThat(bus.stats().parked()).isZero();
                assertThat(bus.stats().deadLettered()).isZero();
            });
        } finally {
            release.countDown();
        }
    }
}
