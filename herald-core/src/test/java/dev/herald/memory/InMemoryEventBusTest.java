package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.Metadata;
import dev.herald.RetryPolicy;
import dev.herald.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Behaviour of the in-memory bus that the transport-neutral conformance suite cannot see. */
class InMemoryEventBusTest {

    @EventType("test.tick")
    record Tick(int n) implements DomainEvent {
    }

    private final EventBus bus = InMemoryEventBus.builder().build();

    @AfterEach
    void tearDown() {
        bus.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void aFullHandlerQueueMakesThePublisherWaitAndDropsNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(Tick.class, SubscriptionOptions.named("blocked").withQueueCapacity(2), e -> {
            release.await();
            handled.incrementAndGet();
        });
        bus.start();

        // one event in the handler, two in the queue: the fourth publish must wait for room
        for (int i = 0; i < 3; i++) {
            bus.publish(new Tick(i)).join();
        }
        await().until(() -> bus.stats().received() == 3);
        CompletableFuture<Envelope<Tick>> fourth = CompletableFuture.supplyAsync(() -> bus.publish(new Tick(3)).join());
        Thread.sleep(200); // give a wrongly unbounded queue the chance to take it
        assertThat(fourth).isNotDone();
        assertThat(bus.stats().received()).isEqualTo(4); // handed over, waiting for room

        release.countDown();
        fourth.join();
        await().until(() -> handled.get() == 4);
        assertThat(bus.stats().deadLettered()).isZero();
    }

    @Test
    void aFailureIsLoggedOnceWithEventTypeHandlerAndCorrelation() {
        Logger root = (Logger) LoggerFactory.getLogger("dev.herald");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        try {
            EventBus failing = InMemoryEventBus.builder().retry(RetryPolicy.none()).build();
            failing.subscribe(Tick.class, "breaks", e -> {
                throw new IllegalStateException("tick failed");
            });
            failing.start();
            Envelope<Tick> sent = failing.publish(new Tick(1), Metadata.correlationId("corr-log")).join();
            await().until(() -> failing.deadLetters().size() == 1);
            failing.shutdown();

            List<ILoggingEvent> errors = new ArrayList<>();
            for (ILoggingEvent event : appender.list) {
                if (event.getLevel() == Level.ERROR) {
                    errors.add(event);
                }
            }
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).contains(sent.id()).contains("test.tick").contains("breaks")
                        .contains("corr-log");
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("tick failed");
            });
        } finally {
            root.detachAppender(appender);
        }
    }
}
