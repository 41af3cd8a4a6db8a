package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
}
