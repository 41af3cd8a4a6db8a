package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.BusState;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportBus;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A start that fails leaves nothing behind: the transport is closed, the threads end, the bus is terminated. */
class FailedStartTest {

    @EventType("test.parcel")
    record Parcel(String id) implements DomainEvent {
    }

    @Test
    void aTransportThatCannotStartIsClosedAndTheBusCannotBeUsedAfterwards() {
        FailingTransport transport = new FailingTransport(true, Integer.MAX_VALUE);
        CopyOnWriteArrayList<Thread> threads = new CopyOnWriteArrayList<>();
        EventBus bus = bus(transport, threads);
        bus.subscribe(Parcel.class, "courier", e -> { });

        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("test: Redis refused");

        assertThat(transport.closes).as("the transport was closed once").hasValue(1);
        assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
        assertThat(bus.health().up()).isFalse();
        assertThat(bus.health().detail()).contains("start failed").contains("test: Redis refused");
        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("an earlier start() failed (cannot connect to test: Redis refused)").hasMessageContaining("build a new one");
        assertThatThrownBy(() -> bus.publish(new Parcel("1")).join()).hasMessageContaining("shut");
        ShutdownReport report = bus.shutdown();
        assertThat(bus.shutdown()).isSameAs(report);
        assertThat(transport.closes).as("closed only once").hasValue(1);
        assertNoThreadAlive(threads);
    }

    @Test
    void aSubscriptionThatCannotConnectClosesTheTransportAndEndsTheWorkersAlreadyStarted() {
        FailingTransport transport = new FailingTransport(false, 1);
        CopyOnWriteArrayList<Thread> threads = new CopyOnWriteArrayList<>();
        EventBus bus = bus(transport, threads);
        bus.subscribe(Parcel.class, "courier", e -> { });
        bus.subscribe(Parcel.class, "tracker", e -> { });

        assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("test: no group");

        assertThat(threads).as("the first subscription's workers had started").isNotEmpty();
        assertThat(transport.closes).hasValue(1);
        assertThat(transport.cancelled).as("the subscription made is cancelled").hasValue(1);
        assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
        assertNoThreadAlive(threads);
    }

    @Test
    void aBusShutDownBeforeItStartedClosesItsTransport() {
        FailingTransport transport = new FailingTransport(false, Integer.MAX_VALUE);
        EventBus bus = bus(transport, new CopyOnWriteArrayList<>());

        bus.shutdown();

        assertThat(transport.closes).as("what the transport built is released").hasValue(1);
    }

    private static void assertNoThreadAlive(List<Thread> threads) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(threads).as("threads of the bus still alive").noneMatch(Thread::isAlive));
    }

    private static EventBus bus(Transport transport, List<Thread> threads) {
        return TransportBus.create(new DeadLetterAccountingTest.Settings().retry(RetryPolicy.none()).threadFactory(task -> {
            Thread t = new Thread(task);
            t.setDaemon(true);
            threads.add(t);
            return t;
        }).value(), transport, new DeadLetterAccountingTest.TestStore(letter -> { }));
    }

    /** Fails in start, or in the subscription after the given number made. */
    static final class FailingTransport implements Transport {
        private final boolean startFails;
        private final int subscriptionsBeforeFailing;
        final AtomicInteger subscriptions = new AtomicInteger();
        final AtomicInteger cancelled = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        FailingTransport(boolean startFails, int subscriptionsBeforeFailing) {
            this.startFails = startFails;
            this.subscriptionsBeforeFailing = subscriptionsBeforeFailing;
        }

        @Override
        public TransportFeatures features() {
            return TransportFeatures.BROADCAST;
        }

        @Override
        public void start() {
            if (startFails) {
                throw new IllegalStateException("cannot connect to test: Redis refused");
            }
        }

        @Override
        public CompletableFuture<Void> publish(String eventType, byte[] message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public TransportSubscription subscribe(String eventType, String group, DeliveryListener listener) {
            if (subscriptions.incrementAndGet() > subscriptionsBeforeFailing) {
                throw new IllegalStateException("cannot subscribe " + group + ": test: no group");
            }
            return cancelled::incrementAndGet;
        }

        @Override
        public void close(Duration timeout) {
            closes.incrementAndGet();
        }
    }
}
