package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the in-memory bus's threads come from; the conformance suite's Threads group covers every transport. */
class ThreadFactoryTest {

    @EventType("test.job")
    record Job(int n) implements DomainEvent {
    }

    private final List<EventBus> buses = new ArrayList<>();

    @AfterEach
    void tearDown() {
        buses.forEach(bus -> bus.shutdown(Duration.ofSeconds(5)));
    }

    private EventBus started(InMemoryEventBus.Builder builder, ConcurrentLinkedQueue<Thread> handledOn) {
        EventBus bus = builder.build();
        buses.add(bus);
        bus.subscribe(Job.class, SubscriptionOptions.named("mailer").withConcurrency(2), e -> handledOn.add(Thread.currentThread()));
        bus.start();
        return bus;
    }

    @Test
    void byDefaultHandlersRunOnNamedDaemonPlatformThreads() {
        ConcurrentLinkedQueue<Thread> handledOn = new ConcurrentLinkedQueue<>();
        EventBus bus = started(InMemoryEventBus.builder(), handledOn);

        bus.publish(new Job(1)).join();

        await().until(() -> handledOn.size() == 1);
        Thread worker = handledOn.peek();
        assertThat(worker.getName()).matches("herald-mailer-[12]");
        assertThat(worker.isDaemon()).isTrue();
        assertThat(worker.getClass()).isEqualTo(Thread.class); // a platform thread, as new Thread(task) makes it
    }

    @Test
    void aFactorysThreadsAreRenamedByHeraldAndKeepTheRestOfWhatTheFactorySet() {
        ThreadGroup group = new ThreadGroup("application");
        ConcurrentLinkedQueue<Thread> handledOn = new ConcurrentLinkedQueue<>();
        EventBus bus = started(InMemoryEventBus.builder().threadFactory(task -> {
            Thread thread = new Thread(group, task, "application-worker");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        }), handledOn);

        bus.publish(new Job(1)).join();

        await().until(() -> handledOn.size() == 1);
        Thread worker = handledOn.peek();
        assertThat(worker.getName()).matches("herald-mailer-[12]");
        assertThat(worker.getThreadGroup()).isSameAs(group);
        assertThat(worker.getPriority()).isEqualTo(Thread.MIN_PRIORITY);
    }

    @Test
    void aFactoryThatRejectsTheRequestFailsTheSubscribeWithAClearMessage() {
        EventBus bus = InMemoryEventBus.builder().threadFactory(task -> null).build();
        buses.add(bus);

        assertThatThrownBy(() -> bus.subscribe(Job.class, "mailer", e -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned no thread for 'herald-mailer-1'");
    }

    @Test
    void aNullThreadFactoryIsRejectedAtOnce() {
        assertThatThrownBy(() -> InMemoryEventBus.builder().threadFactory(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("threadFactory must not be null")
                .hasMessageContaining("Thread.ofVirtual().factory()");
    }
}
