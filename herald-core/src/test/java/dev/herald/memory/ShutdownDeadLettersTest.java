package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.BusStats;
import dev.herald.DeadLetter;
import dev.herald.DeadLetter.Reason;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.ShutdownReport;
import dev.herald.SubscriptionOptions;
import dev.herald.memory.RecordingObserver.HandlerEnded;
import dev.herald.memory.RecordingObserver.Voided;
import dev.herald.spi.BusObserver.DeadLettered;
import dev.herald.spi.BusObserver.HandlerOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dead letters a shutdown deadline writes: what they say, and what a late handler undoes. */
class ShutdownDeadLettersTest {

    @EventType("test.parcel")
    record Parcel(int n) implements DomainEvent {
    }

    private final EventBus bus = InMemoryEventBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void everyParkedDeadLetterCarriesTheTypeAndIdOfItsEventEvenIfItWasNotDecodedYet() {
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(Parcel.class, SubscriptionOptions.named("slow").withQueueCapacity(5000), e -> {
            Thread.sleep(5);
            handled.incrementAndGet();
        });
        bus.start();
        int n = 500;
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(bus.publish(new Parcel(i)));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();

        ShutdownReport report = bus.shutdown(Duration.ofMillis(100));

        assertThat(report.parked()).isPositive();
        // a handler may still return after the report, voiding its dead letter: the live counters settle
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.stats().parked() == bus.deadLetters().size());
        List<DeadLetter> parked = bus.deadLetters().list(n);
        assertThat(parked).isNotEmpty().allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo(Reason.SHUTDOWN);
            assertThat(d.eventType()).isEqualTo("test.parcel");
            assertThat(d.eventId()).isNotNull();
        });
        assertThat(parked).extracting(DeadLetter::eventId).doesNotHaveDuplicates();
        assertThat(bus.stats().handled() + bus.stats().deadLettered()).isEqualTo(n);
        assertThat(report.deadLettersNotStored()).isZero();
    }

    @Test
    void aHandlerThatSucceedsAfterTheDeadlineParkedItsEventLeavesNoShutdownDeadLetterAndCountsOnceAsHandled()
            throws Exception {
        CountDownLatch release = stubbornHandlerParkedByShutdown(bus);

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(bus.deadLetters().list(10)).isEmpty();
            BusStats stats = bus.stats();
            assertThat(stats.handled()).isEqualTo(1);
            assertThat(stats.parked()).isZero();
            assertThat(stats.deadLettered()).isZero();
            assertThat(stats.received()).isEqualTo(1);
        });
    }

    @Test
    void aDeadLetterVoidedByALateHandlerIsCountedAsVoidedAndNotTakenOffTheCountsThatOnlyRise() throws Exception {
        CountDownLatch release = stubbornHandlerParkedByShutdown(bus);

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> bus.stats().deadLettersVoided() == 1);
        BusStats stats = bus.stats();
        assertThat(stats.deadLettered()).as("net").isZero();
        assertThat(stats.handlers()).singleElement().satisfies(h -> {
            assertThat(h.deadLetters().get(Reason.SHUTDOWN)).as("written, never taken back").isEqualTo(1);
            assertThat(h.voided()).isEqualTo(1);
        });
    }

    @Test
    void theObserverOfAHandlerThatSucceedsAfterTheDeadlineParkedItsEventIsToldTheDeadLetterIsVoidAsTheStatsSay()
            throws Exception {
        RecordingObserver observer = new RecordingObserver();
        EventBus observed = InMemoryEventBus.builder().observer(observer).build();
        CountDownLatch release = stubbornHandlerParkedByShutdown(observed);
        assertThat(observer.all(DeadLettered.class)).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo(Reason.SHUTDOWN));

        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> observer.all(HandlerEnded.class).size() == 1);
        assertThat(observer.all(Voided.class)).singleElement().satisfies(v -> {
            assertThat(v.deadLetter().reason()).isEqualTo(Reason.SHUTDOWN);
            assertThat(v.deadLetter().handlerName()).isEqualTo("stubborn");
            assertThat(v.deadLetter().eventType()).isEqualTo("test.parcel");
        });
        assertThat(observer.all(HandlerEnded.class)).singleElement()
                .satisfies(end -> assertThat(end.outcome()).isEqualTo(HandlerOutcome.SUCCESS));
        BusStats stats = observed.stats();
        assertThat(stats.handled()).as("handled, as the observer now sees it too").isEqualTo(1);
        assertThat(stats.deadLettered()).isZero();
        assertThat(observer.all(DeadLettered.class).size() - observer.all(Voided.class).size())
                .as("dead letters the observer counts").isEqualTo(stats.deadLettered());
    }

    /**
     * Subscribes a handler that ignores the shutdown's interrupt, starts the bus, publishes one
     * event and shuts the bus down while the handler holds it, so that its event is parked.
     *
     * @return what lets the handler return
     */
    private static CountDownLatch stubbornHandlerParkedByShutdown(EventBus bus) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bus.subscribe(Parcel.class, "stubborn", e -> {
            started.countDown();
            boolean interrupted = false;
            while (true) { // ignores the shutdown's interrupt, as some handlers do
                try {
                    release.await();
                    break;
                } catch (InterruptedException ignored) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        bus.start();
        bus.publish(new Parcel(1)).join();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        ShutdownReport report = bus.shutdown(Duration.ofMillis(100));
        assertThat(report.parked()).isEqualTo(1);
        assertThat(bus.deadLetters().list(10)).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo(Reason.SHUTDOWN));
        return release;
    }
}
