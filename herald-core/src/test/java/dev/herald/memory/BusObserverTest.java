package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.Metadata;
import dev.herald.memory.RecordingObserver.PublishEnded;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.Publish;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a bus tells its observer, and what an observer can change: the in-memory bus with a recording observer. */
class BusObserverTest {

    @EventType("test.observed")
    record Item(int n) implements DomainEvent {
    }

    @EventType("test.unserializable")
    record Unserializable(Object value) {
    }

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final List<EventBus> buses = new ArrayList<>();

    @AfterEach
    void shutDown() {
        buses.forEach(b -> b.shutdown(Duration.ofSeconds(5)));
    }

    private EventBus bus(BusObserver observer) {
        EventBus bus = InMemoryEventBus.builder().source("observed-service").maxMessageSize(1024).observer(observer).build();
        buses.add(bus);
        return bus;
    }

    @Test
    void eachPublishIsObservedOnThePublishingThreadAndEndedBeforeItsFutureCompletes() {
        RecordingObserver observer = new RecordingObserver();
        AtomicReference<Thread> startedOn = new AtomicReference<>();
        EventBus bus = bus(BusObserver.composite(observer, new BusObserver() {
            @Override
            public PublishObservation publishStarted(Publish publish) {
                startedOn.set(Thread.currentThread());
                return PublishObservation.NONE;
            }
        }));
        bus.start();

        Envelope<Item> sent = bus.publish(new Item(1)).join();

        assertThat(startedOn.get()).isSameAs(Thread.currentThread());
        assertThat(observer.all(Publish.class)).singleElement().satisfies(p -> {
            assertThat(p.system()).isEqualTo("herald-memory");
            assertThat(p.eventType()).isEqualTo("test.observed");
            assertThat(p.eventId()).isEqualTo(sent.id());
            assertThat(p.source()).isEqualTo("observed-service");
        });
        assertThat(observer.all(PublishEnded.class)).singleElement().satisfies(end -> {
            assertThat(end.failure()).isNull();
            assertThat(end.sizeBytes()).isBetween(100, 1024);
        });
    }

    @Test
    void anAttributeSetOnPublishTravelsInTheEventToTheHandlerAsACloudEventsExtension() {
        RecordingObserver observer = new RecordingObserver(Map.of("traceparent", TRACEPARENT, "tracestate", "vendor=1"),
                run -> { }, run -> { });
        InMemoryBroker broker = new InMemoryBroker();
        EventBus bus = InMemoryEventBus.builder().broker(broker).observer(observer).build();
        buses.add(bus);
        ConcurrentLinkedQueue<Envelope<Item>> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(Item.class, got::add);
        ConcurrentLinkedQueue<byte[]> wire = new ConcurrentLinkedQueue<>();
        broker.add("test.observed", delivery -> wire.add(delivery.body()));
        bus.start();

        Envelope<Item> sent = bus.publish(new Item(1), Metadata.empty().withHeader("tenant", "acme")).join();

        await().until(() -> got.size() == 1);
        CloudEvent read = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(wire.peek());
        assertThat(read.getExtension("traceparent")).isEqualTo(TRACEPARENT);
        assertThat(read.getExtension("tracestate")).isEqualTo("vendor=1");
        assertThat(got.peek().headers()).containsEntry("traceparent", TRACEPARENT).containsEntry("tracestate", "vendor=1")
                .containsEntry("tenant", "acme");
        assertThat(sent.headers()).containsEntry("traceparent", TRACEPARENT).containsEntry("tenant", "acme");
    }

    @Test
    void anObserverReadsThePublishersHeadersAndItsOwnAttributeReplacesOneOfTheSameName() {
        AtomicReference<String> seen = new AtomicReference<>();
        EventBus bus = bus(new BusObserver() {
            @Override
            public PublishObservation publishStarted(Publish publish) {
                seen.set(publish.attributes().get("traceparent"));
                publish.attributes().set("traceparent", TRACEPARENT);
                return PublishObservation.NONE;
            }
        });
        bus.start();

        Envelope<Item> sent = bus.publish(new Item(1), Metadata.empty().withHeader("traceparent", "00-old")).join();

        assertThat(seen.get()).isEqualTo("00-old");
        assertThat(sent.header("traceparent")).isEqualTo(TRACEPARENT);
    }

    @Test
    void anAttributeNameThatIsNotAnExtensionNameOrIsReservedIsRefusedNamingIt() {
        List<Throwable> refused = new ArrayList<>();
        AtomicReference<BusObserver.Attributes> kept = new AtomicReference<>();
        EventBus bus = bus(new BusObserver() {
            @Override
            public PublishObservation publishStarted(Publish publish) {
                for (String name : List.of("Trace-Parent", "correlationid", "publisherseq")) {
                    try {
                        publish.attributes().set(name, "x");
                    } catch (IllegalArgumentException e) {
                        refused.add(e);
                    }
                }
                kept.set(publish.attributes());
                return PublishObservation.NONE;
            }
        });
        bus.start();

        Envelope<Item> sent = bus.publish(new Item(1)).join();

        assertThat(refused).extracting(Throwable::getMessage).satisfiesExactly(
                m -> assertThat(m).contains("'Trace-Parent'").contains("not a CloudEvents extension name"),
                m -> assertThat(m).contains("'correlationid'").contains("reserved"),
                m -> assertThat(m).contains("'publisherseq'").contains("reserved"));
        assertThat(sent.headers()).isEmpty();
        assertThatThrownBy(() -> kept.get().set("late", "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only while publishStarted runs").hasMessageContaining("'late'");
    }

    @Test
    void aPublishThatFailsEndsItsObservationWithTheFailureAndTheSizeIfItWasEncoded() {
        RecordingObserver observer = new RecordingObserver();
        EventBus bus = bus(observer);
        bus.start();

        Throwable unserializable = bus.publish(new Unserializable(new Object())).handle((ok, e) -> e).join();
        Throwable tooLarge = bus.publish(new Item(1), Metadata.empty().withHeader("padding", "x".repeat(2000)))
                .handle((ok, e) -> e).join();

        assertThat(observer.all(PublishEnded.class)).satisfiesExactly(
                end -> {
                    assertThat(end.sizeBytes()).isEqualTo(-1);
                    assertThat(end.failure()).isSameAs(unserializable).hasMessageContaining("cannot be serialized");
                },
                end -> {
                    assertThat(end.sizeBytes()).isGreaterThan(2000);
                    assertThat(end.failure()).isSameAs(tooLarge).hasMessageContaining("over the limit");
                });
        assertThat(bus.stats().publishFailed()).isEqualTo(2);
    }

    @Test
    void anObserverThatThrowsOnPublishChangesNothing() {
        EventBus bus = bus(new BusObserver() {
            @Override
            public PublishObservation publishStarted(Publish publish) {
                return (size, failure) -> {
                    throw new IllegalStateException("test: observer fails at the end");
                };
            }
        });
        ConcurrentLinkedQueue<Envelope<Item>> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(Item.class, got::add);
        bus.start();

        for (int i = 0; i < 10; i++) {
            bus.publish(new Item(i)).join();
        }

        await().until(() -> got.size() == 10);
        assertThat(bus.stats().published()).isEqualTo(10);
        assertThat(bus.stats().publishFailed()).isZero();
    }
}
