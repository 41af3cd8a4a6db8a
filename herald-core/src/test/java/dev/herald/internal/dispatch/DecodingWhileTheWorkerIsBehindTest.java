package dev.herald.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.SubscriptionOptions;
import dev.herald.memory.InMemoryEventBus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A handler's worker that is behind gets its events decoded by the thread that hands them over. */
class DecodingWhileTheWorkerIsBehindTest {

    static final List<String> decodedOn = Collections.synchronizedList(new ArrayList<>());

    @EventType("test.traced")
    record Traced(int n) implements DomainEvent {
        Traced {
            decodedOn.add(Thread.currentThread().getName()); // Jackson makes records through this constructor
        }
    }

    @Test
    void whileTheQueueIsFullTheHandingThreadDecodesAndEachEventIsDecodedOnceInOrder() throws Exception {
        EventBus bus = InMemoryEventBus.builder().build();
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(Traced.class, SubscriptionOptions.defaults().withQueueCapacity(1), e -> {
            release.await();
            handled.add(e.payload().n());
        });
        bus.start();
        Traced[] events = {new Traced(1), new Traced(2), new Traced(3), new Traced(4)};
        decodedOn.clear();
        Thread publisher = new Thread(() -> {
            for (Traced event : events) {
                bus.publish(event); // in memory, hands over on this thread: waits while the queue is full
            }
        }, "test-publisher");
        publisher.start();

        // the worker holds event 1, event 2 fills the queue: event 3 is decoded while its publisher waits
        await().until(() -> decodedOn.contains("test-publisher"));
        assertThat(handled).isEmpty();
        release.countDown();
        await().until(() -> handled.size() == 4);
        publisher.join();

        assertThat(handled).containsExactly(1, 2, 3, 4);
        assertThat(decodedOn).hasSize(4); // none twice
        assertThat(decodedOn.stream().filter(t -> t.startsWith("herald-"))).isNotEmpty();
        bus.shutdown();
    }
}
