package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.memory.InMemoryEventBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's in-memory example, verbatim between the markers, so that it keeps compiling and working. */
class InMemoryExampleTest {

    // README-EXAMPLE-START
    @EventType("order.placed")
    record OrderPlaced(String orderId, long cents) implements DomainEvent {
        @Override
        public String aggregateId() {
            return orderId;
        }
    }

    @Test
    void readmeExample() {
        List<String> mails = new CopyOnWriteArrayList<>();
        List<String> audit = new CopyOnWriteArrayList<>();

        EventBus bus = InMemoryEventBus.builder()
                .source("orders-service")
                .retry(RetryPolicy.exponential(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 3))
                .build();

        // typed handler: fails for order "13" on every attempt, so that one ends as a dead letter
        bus.subscribe(OrderPlaced.class, "send-confirmation", e -> {
            if (e.payload().orderId().equals("13")) {
                throw new IllegalStateException("mail server refused order 13");
            }
            mails.add(e.payload().orderId());
        });
        // a second handler of the same type, by type name as in the seed
        bus.subscribe("order.placed", "audit", e -> audit.add(e.id() + " " + e.type()));

        bus.start();
        bus.publish(new OrderPlaced("42", 9950)).join();
        bus.publish(new OrderPlaced("13", 100)).join();

        await().until(() -> audit.size() == 2 && bus.deadLetters().size() == 1);
        DeadLetter failed = bus.deadLetters().list(10).get(0);
        System.out.printf("%s: %s in %s after %d attempts: %s%n",
                failed.reason(), failed.eventType(), failed.handler(), failed.attempts(), failed.error());

        ShutdownReport report = bus.shutdown(Duration.ofSeconds(5));
        System.out.println(report);
        // README-EXAMPLE-END

        assertThat(mails).containsExactly("42");
        assertThat(failed.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
        assertThat(failed.handler()).isEqualTo("send-confirmation");
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(report.handled()).isEqualTo(3);
        assertThat(report.deadLettered()).isEqualTo(1);
        assertThat(report.completedInTime()).isTrue();
    }
}
