package dev.herald.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.memory.InMemoryEventBus;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The event being handled is known to its worker only, and nothing of it stays on any thread. */
class HandlingContextTest {

    @EventType("test.context")
    record Ping(int n) implements DomainEvent {
    }

    @Test
    void noStaticThreadLocalKeepsHeraldObjectsOnTheThreadsThatPublishOrHandle() {
        for (Class<?> type : List.of(HandlingContext.class, DeadLetter.class)) {
            assertThat(Arrays.stream(type.getDeclaredFields())
                    .filter(field -> Modifier.isStatic(field.getModifiers()))
                    .map(Field::getType))
                    .as(type.getSimpleName())
                    .noneMatch(ThreadLocal.class::isAssignableFrom);
        }
    }

    @Test
    void aWorkerIsKnownWhileItRunsAndForgottenOnceTheBusHasShutDown() throws Exception {
        ConcurrentLinkedQueue<String> seenByHandler = new ConcurrentLinkedQueue<>();
        EventBus bus = InMemoryEventBus.builder().build();
        bus.subscribe(Ping.class, "context-probe", e -> seenByHandler.add(String.valueOf(HandlingContext.current().id())));
        bus.start();

        String id = bus.publish(new Ping(1)).join().id();

        await().until(() -> seenByHandler.size() == 1);
        assertThat(seenByHandler).containsExactly(id);
        assertThat(HandlingContext.current()).as("on the publishing thread").isNull();
        assertThat(registeredThreads()).doesNotContain(Thread.currentThread());
        bus.shutdown(Duration.ofSeconds(5));
        assertThat(registeredThreads()).noneMatch(thread -> thread.getName().startsWith("herald-context-probe-"));
    }

    @SuppressWarnings("unchecked")
    private static Iterable<Thread> registeredThreads() throws ReflectiveOperationException {
        Field field = HandlingContext.class.getDeclaredField("HANDLING");
        field.setAccessible(true);
        return List.copyOf(((Map<Thread, ?>) field.get(null)).keySet());
    }
}
