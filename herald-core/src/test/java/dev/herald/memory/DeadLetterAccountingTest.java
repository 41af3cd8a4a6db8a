package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.DeadLetter;
import dev.herald.DeadLetterStoreException;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventBusBuilder;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.internal.dispatch.HandlerPipeline;
import dev.herald.spi.BusSettings;
import dev.herald.spi.DeadLetterStore;
import dev.herald.spi.Delivery;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportBus;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Dead letters are stored and counted once whatever fails around them, a handler that succeeds
 * while its event is being parked voids its dead letter, and a transport's non-blocking offer
 * never writes one.
 */
class DeadLetterAccountingTest {

    @EventType("test.invoice")
    record Invoice(String number) implements DomainEvent {
    }

    @Test
    void anErrorThrownByTheStoreLeavesTheDeadLetterStoredAndCountedOnce() {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        TestStore store = new TestStore(letter -> {
            if (failOnce.getAndSet(false)) {
                throw new OutOfMemoryError("test: out of memory while storing");
            }
        });
        EventBus bus = testBus(new HandTransport(), store);
        bus.subscribe(Invoice.class, "failing", e -> {
            throw new IllegalStateException("test: handler fails");
        });
        bus.start();
        bus.publish(new Invoice("INV-1")).join();

        await().atMost(Duration.ofSeconds(5)).until(() -> store.size() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> bus.stats().deadLettered() == 1 && store.size() == 1);
        assertThat(failOnce).isFalse();
        assertThat(store.list(10)).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
            assertThat(d.eventType()).isEqualTo("test.invoice");
        });
        assertThat(bus.stats().received()).isEqualTo(1);
        bus.shutdown();
    }

    @Test
    void anOfferAfterIntakeStoppedIsRefusedSoThatTheIntakeThreadNotTheEventLoopParksIt() throws Exception {
        TestStore store = new TestStore(letter -> { });
        HandTransport transport = new HandTransport();
        EventBus bus = testBus(transport, store);
        Subscription subscription = bus.subscribe(Invoice.class, "cancelled", e -> { });
        bus.start();
        DeliveryListener listener = transport.listeners.get("cancelled");
        subscription.cancel();

        byte[] raw = ("{\"specversion\":\"1.0\",\"id\":\"late-1\",\"source\":\"t\",\"type\":\"test.invoice\","
                + "\"data\":{\"number\":\"INV-2\"}}").getBytes(StandardCharsets.UTF_8);
        assertThat(listener.offer(Delivery.of(raw))).as("offer once intake has stopped").isFalse();
        assertThat(store.size()).as("nothing written by the offering thread").isZero();

        listener.onDelivery(Delivery.of(raw)); // the transport's intake thread, which may wait
        assertThat(store.list(10)).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(DeadLetter.Reason.SHUTDOWN);
            assertThat(d.eventId()).isEqualTo("late-1");
        });
        bus.shutdown();
    }

    @Test
    void aHandlerThatSucceedsWhileItsEventIsBeingParkedVoidsItsDeadLetter() {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        AtomicReference<Thread> worker = new AtomicReference<>();
        TestStore store = new TestStore(letter -> {
            if (letter.reason() == DeadLetter.Reason.SHUTDOWN) {
                // the handler finishes while its SHUTDOWN dead letter is being written
                release.countDown();
                await().atMost(Duration.ofSeconds(5)).until(() -> returned.getCount() == 0
                        && (worker.get().getState() == Thread.State.TIMED_WAITING
                                || worker.get().getState() == Thread.State.TERMINATED));
            }
        });
        EventBus bus = testBus(new HandTransport(), store);
        CountDownLatch started = new CountDownLatch(1);
        bus.subscribe(Invoice.class, "stubborn", e -> {
            worker.set(Thread.currentThread());
            started.countDown();
            awaitIgnoringInterrupts(release);
            returned.countDown();
        });
        bus.start();
        CompletableFuture.runAsync(() -> bus.publish(new Invoice("INV-3")).join());
        await().atMost(Duration.ofSeconds(5)).until(() -> started.getCount() == 0);

        ShutdownReport report = bus.shutdown(Duration.ofMillis(100));

        assertThat(report.completedInTime()).isFalse();
        assertThat(report.parked()).isZero();
        assertThat(report.handled()).isEqualTo(1);
        assertThat(report.deadLettered()).isZero();
        assertThat(store.size()).as("the void SHUTDOWN dead letter is deleted").isZero();
        assertThat(store.added).isEqualTo(1);
    }

    @Test
    void aHandlerReturningAfterTheDeadlineLeftItsEventPendingSaysSoNotThatItWasParked() {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        TestStore store = new TestStore(letter -> { });
        HandTransport transport = new HandTransport();
        transport.redeliverable = true; // as Streams: the deadline leaves unfinished entries pending
        EventBus bus = testBus(transport, store);
        bus.subscribe(Invoice.class, "stubborn", e -> {
            started.countDown();
            awaitIgnoringInterrupts(release);
        });
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger pipeline = (Logger) LoggerFactory.getLogger(HandlerPipeline.class);
        pipeline.addAppender(logged);
        try {
            bus.start();
            CompletableFuture.runAsync(() -> bus.publish(new Invoice("INV-4")).join());
            await().atMost(Duration.ofSeconds(5)).until(() -> started.getCount() == 0);

            ShutdownReport report = bus.shutdown(Duration.ofMillis(100));
            release.countDown();

            assertThat(report.leftPending()).isEqualTo(1);
            assertThat(report.parked()).isZero();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(logged.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("returned from event", "left it pending for another instance")
                            .doesNotContain("parked")));
            assertThat(store.size()).isZero();
        } finally {
            pipeline.detachAppender(logged);
        }
    }

    @Test
    void aShutdownStoresTheEventsItParksInBatchesOfAHundred() {
        TestStore store = new TestStore(letter -> { });
        EventBus bus = blockedWith(250, new HandTransport(), store);

        ShutdownReport report = bus.shutdown(Duration.ofMillis(100));

        assertThat(report.parked()).isEqualTo(250);
        assertThat(report.deadLettersNotStored()).isZero();
        assertThat(store.size()).isEqualTo(250);
        assertThat(store.batches).containsExactly(100, 100, 50);
    }

    @Test
    void aShutdownBuildsEachBatchOfParkedDeadLettersJustBeforeStoringItNotAllAtOnce() {
        HandTransport transport = new HandTransport();
        TestStore store = new TestStore(letter -> { });
        store.beforeBatch = () -> store.bodiesReadAtBatch.add(transport.bodiesRead.get());
        EventBus bus = blockedWith(250, transport, store);

        bus.shutdown(Duration.ofMillis(100));

        assertThat(store.bodiesReadAtBatch).hasSize(3);
        assertThat(store.bodiesReadAtBatch.get(1) - store.bodiesReadAtBatch.get(0))
                .as("raw messages read for the second batch after the first was stored").isGreaterThanOrEqualTo(100);
        assertThat(store.bodiesReadAtBatch.get(2) - store.bodiesReadAtBatch.get(1))
                .as("raw messages read for the third batch after the second was stored").isGreaterThanOrEqualTo(50);
    }

    @Test
    void aShutdownWithASlowStoreEndsItsDeadLetterWritesOneSecondAfterItsDeadlineAndCountsTheRestAsNotStored() {
        TestStore store = new TestStore(letter -> { });
        store.batchTakes = Duration.ofMillis(150); // 20 batches: 3 s
        int n = 2000;
        EventBus bus = blockedWith(n, new HandTransport(), store);

        long begin = System.nanoTime();
        ShutdownReport report = bus.shutdown(Duration.ofMillis(100));

        Duration lastWriteEnded = Duration.ofNanos(store.lastBatchEndedNanos - begin);
        assertThat(lastWriteEnded).as("shutdown(100 ms): the store's last call ended 1 s after the deadline")
                .isLessThan(Duration.ofMillis(1400));
        assertThat(report.parked()).isEqualTo(n);
        assertThat(report.deadLettersNotStored()).isPositive();
        assertThat(store.size() + report.deadLettersNotStored()).isEqualTo(n);
        assertThat(report.handled() + report.deadLettered()).isEqualTo(bus.stats().received());
    }

    @Test
    void aStoreFailingOnOneDeadLetterOfABatchStoresAndCountsTheOthers() {
        AtomicInteger shutdownLetters = new AtomicInteger();
        TestStore store = new TestStore(letter -> {
            if (letter.reason() == DeadLetter.Reason.SHUTDOWN && shutdownLetters.incrementAndGet() == 2) {
                throw new IllegalStateException("test: the store fails on one dead letter");
            }
        });
        EventBus bus = blockedWith(3, new HandTransport(), store);

        ShutdownReport report = bus.shutdown(Duration.ofMillis(100));

        assertThat(report.parked()).isEqualTo(3);
        assertThat(store.size()).isEqualTo(2);
        assertThat(report.deadLettersNotStored()).isEqualTo(1);
    }

    /** A bus whose handler "slow" (concurrency 1) is blocked on the first of {@code n} events, the rest queued. */
    private static EventBus blockedWith(int n, Transport transport, TestStore store) {
        EventBus bus = testBus(transport, store);
        CountDownLatch started = new CountDownLatch(1);
        bus.subscribe(Invoice.class, SubscriptionOptions.named("slow").withConcurrency(1).withQueueCapacity(n), e -> {
            started.countDown();
            new CountDownLatch(1).await();
        });
        bus.start();
        for (int i = 0; i < n; i++) {
            bus.publish(new Invoice("INV-" + i)).join();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> started.getCount() == 0);
        return bus;
    }

    /** Hands messages to the bus's listeners on the publishing thread, as a transport's intake would. */
    static final class HandTransport implements Transport {

        final Map<String, DeliveryListener> listeners = new ConcurrentHashMap<>();
        final AtomicInteger bodiesRead = new AtomicInteger();
        /** Whether its deliveries are redeliverable, as a Streams transport's are. */
        volatile boolean redeliverable;

        @Override
        public TransportFeatures features() {
            return TransportFeatures.BROADCAST;
        }

        @Override
        public void start() {
        }

        @Override
        public CompletableFuture<Void> publish(String eventType, byte[] message) {
            try {
                for (DeliveryListener listener : listeners.values()) {
                    listener.onDelivery(new Delivery() {
                        @Override
                        public byte[] body() {
                            bodiesRead.incrementAndGet();
                            return message;
                        }

                        @Override
                        public boolean redeliverable() {
                            return redeliverable;
                        }
                    });
                }
                return CompletableFuture.completedFuture(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public TransportSubscription subscribe(String eventType, String group, DeliveryListener listener) {
            listeners.put(group, listener);
            return () -> listeners.remove(group, listener);
        }

        @Override
        public void close(Duration timeout) {
        }
    }

    /** Dead letters in memory, with a hook run before each is stored. */
    static final class TestStore implements DeadLetterStore {

        private final InMemoryDeadLetterStore letters = new InMemoryDeadLetterStore(1000);
        private final Consumer<DeadLetter> beforeAdd;
        volatile int added;
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final List<Integer> bodiesReadAtBatch = new CopyOnWriteArrayList<>();
        volatile Runnable beforeBatch = () -> { };
        /** How long a call of addAll takes, at most its timeout, after which it fails. */
        volatile Duration batchTakes = Duration.ZERO;
        volatile long lastBatchEndedNanos;

        TestStore(Consumer<DeadLetter> beforeAdd) {
            this.beforeAdd = beforeAdd;
        }

        @Override
        public DeadLetter add(DeadLetter deadLetter) {
            beforeAdd.accept(deadLetter);
            added++;
            return letters.add(deadLetter);
        }

        @Override
        public List<@Nullable DeadLetter> addAll(List<DeadLetter> deadLetters, Duration timeout) {
            batches.add(deadLetters.size());
            beforeBatch.run();
            if (batchTakes.compareTo(Duration.ZERO) > 0) {
                boolean inTime = batchTakes.compareTo(timeout) <= 0;
                try {
                    new CountDownLatch(1).await((inTime ? batchTakes : timeout).toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lastBatchEndedNanos = System.nanoTime();
                if (!inTime) {
                    throw new DeadLetterStoreException("test: no answer within " + timeout.toMillis() + " ms");
                }
            }
            return DeadLetterStore.super.addAll(deadLetters, timeout);
        }

        @Override
        public List<DeadLetter> list(int limit) {
            return letters.list(limit);
        }

        @Override
        public Optional<DeadLetter> get(String id) {
            return letters.get(id);
        }

        @Override
        public boolean delete(String id) {
            return letters.delete(id);
        }

        @Override
        public long size() {
            return letters.size();
        }

        @Override
        public long purge() {
            return letters.purge();
        }
    }

    /** Waits for the latch as a handler that ignores the shutdown's interrupt. */
    static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // keeps waiting
            }
        }
    }

    /** A bus over a hand-driven transport, built as any third-party transport builds its bus. */
    static EventBus testBus(Transport transport, DeadLetterStore store) {
        return TransportBus.create(new Settings().retry(RetryPolicy.none()).value(), transport, store);
    }

    static final class Settings extends EventBusBuilder<Settings> {
        BusSettings value() {
            return settings();
        }

        @Override
        public EventBus build() {
            throw new UnsupportedOperationException("only for settings");
        }
    }
}
