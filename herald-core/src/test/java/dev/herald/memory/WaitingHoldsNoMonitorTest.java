package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.SubscriptionOptions;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Where the bus waits (for room in a queue, for the transport), it holds locks, never a
 * {@code synchronized} monitor: a virtual thread waiting inside a monitor pins its carrier on
 * Java 21 to 23. The waiting thread's locked monitors are read through the JVM's thread MXBean.
 */
class WaitingHoldsNoMonitorTest {

    @EventType("test.job")
    record Job(int n) implements DomainEvent {
    }

    @Test
    void aPublisherWaitingForRoomInAHandlersQueueHoldsNoMonitor() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EventBus bus = InMemoryEventBus.builder().build();
        bus.subscribe(Job.class, SubscriptionOptions.named("stuck").withQueueCapacity(1), e -> release.await());
        bus.start();
        try {
            bus.publish(new Job(1)).join(); // taken by the handler, which waits
            await().until(() -> bus.stats().received() == 1 && bus.stats().handled() == 0);
            bus.publish(new Job(2)).join(); // fills the queue
            Thread publisher = new Thread(() -> bus.publish(new Job(3)).join(), "waiting-publisher");
            publisher.start();

            ThreadInfo waiting = awaitWaitingIn(publisher, "ArrayBlockingQueue");
            assertThat(waiting.getLockedMonitors()).as("monitors held while waiting for room").isEmpty();
            assertThat(waiting.getLockedSynchronizers()).as("the type's sequence lock").isNotEmpty();

            release.countDown();
            publisher.join(5_000);
            await().until(() -> bus.stats().handled() == 3);
        } finally {
            release.countDown();
            bus.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void startingAndSubscribingWhileTheTransportWaitsHoldNoMonitor() throws Exception {
        WaitingTransport transport = new WaitingTransport();
        EventBus bus = DeadLetterAccountingTest.testBus(transport, new InMemoryDeadLetterStore(10));
        try {
            Thread starter = new Thread(bus::start, "starting");
            starter.start();
            ThreadInfo starting = awaitWaitingIn(starter, WaitingTransport.class.getSimpleName());
            assertThat(starting.getLockedMonitors()).as("monitors held while the transport starts").isEmpty();
            transport.started.countDown();
            starter.join(5_000);

            Thread subscriber = new Thread(() -> bus.subscribe(Job.class, e -> { }), "subscribing");
            subscriber.start();
            ThreadInfo subscribing = awaitWaitingIn(subscriber, WaitingTransport.class.getSimpleName());
            assertThat(subscribing.getLockedMonitors()).as("monitors held while the transport subscribes").isEmpty();
            transport.subscribed.countDown();
            subscriber.join(5_000);
            assertThat(subscriber.isAlive()).isFalse();
        } finally {
            transport.started.countDown();
            transport.subscribed.countDown();
            bus.shutdown(Duration.ofSeconds(5));
        }
    }

    /** Waits until the thread waits with a frame of {@code where} on its stack; returns what it holds then. */
    private static ThreadInfo awaitWaitingIn(Thread thread, String where) {
        ThreadInfo[] found = new ThreadInfo[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(new long[] {thread.getId()}, true, true)[0];
            found[0] = info;
            return info != null && (info.getThreadState() == Thread.State.WAITING || info.getThreadState() == Thread.State.TIMED_WAITING)
                    && Arrays.stream(info.getStackTrace()).anyMatch(frame -> frame.getClassName().contains(where));
        });
        return found[0];
    }

    /** A transport whose start and subscribe wait, as a Redis transport waits for Redis. */
    private static final class WaitingTransport implements Transport {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch subscribed = new CountDownLatch(1);

        @Override
        public TransportFeatures features() {
            return TransportFeatures.BROADCAST;
        }

        @Override
        public void start() {
            awaitUninterruptibly(started);
        }

        @Override
        public CompletableFuture<Void> publish(String eventType, byte[] message) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public TransportSubscription subscribe(String eventType, String group, DeliveryListener listener) {
            awaitUninterruptibly(subscribed);
            return () -> { };
        }

        @Override
        public void close(Duration timeout) {
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
