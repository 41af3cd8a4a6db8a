package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runner of the slot following: sooner requests win, work left is retried with backoff. */
class RetryingTest {

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    @Test
    void aRequestForSoonerBringsTheRunForwardAndOneForLaterIsServedByIt() {
        AtomicInteger runs = new AtomicInteger();
        Retrying retrying = new Retrying(thread, () -> runs.incrementAndGet() > 0, () -> { }, Duration.ofMillis(10),
                Duration.ofMillis(100));

        retrying.request(Duration.ofHours(1));
        retrying.request(Duration.ZERO);
        retrying.request(Duration.ofHours(1));

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        retrying.request(Duration.ZERO); // nothing pending any more: runs again
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
        retrying.stop(Duration.ofSeconds(1));
        assertThat(runs).hasValue(2);
    }

    @Test
    void whileWorkIsLeftItRunsAgainWithGrowingWaitsAndAsksFirst() {
        List<Long> starts = new CopyOnWriteArrayList<>();
        AtomicInteger asked = new AtomicInteger();
        Retrying retrying = new Retrying(thread, () -> {
            starts.add(System.nanoTime());
            return starts.size() == 5; // settled on the fifth run
        }, asked::incrementAndGet, Duration.ofMillis(20), Duration.ofMillis(80));

        retrying.request(Duration.ZERO);

        await().atMost(Duration.ofSeconds(5)).until(() -> starts.size() == 5);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> starts.size() == 5);
        assertThat(asked).as("asked before each retry").hasValue(4);
        long thirdWait = starts.get(3) - starts.get(2);
        long firstWait = starts.get(1) - starts.get(0);
        assertThat(Duration.ofNanos(firstWait)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        assertThat(Duration.ofNanos(thirdWait)).isGreaterThanOrEqualTo(Duration.ofMillis(80));
    }
}
