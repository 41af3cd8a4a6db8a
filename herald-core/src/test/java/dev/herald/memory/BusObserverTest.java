package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.BusStats;
import dev.herald.DeadLetter;
import dev.herald.DeadLetter.Reason;
import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.Metadata;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.memory.RecordingObserver.HandlerEnded;
import dev.herald.memory.RecordingObserver.PublishEnded;
import dev.herald.memory.RecordingObserver.ScopeClosed;
import dev.herald.memory.RecordingObserver.ScopeOpened;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.DeadLettered;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Publish;
import dev.herald.spi.BusObserver.Received;
import dev.herald.spi.BusObserver.Retry;
import dev.herald.spi.ThrowingObserver;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
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

    // ---------------------------------------------------------------- handling

    /** A handling-side call as a line: what the worker was told, in order. */
    private static String line(Object call) {
        if (call instanceof HandlerRun run) {
            return "run " + label(run) + " #" + run.attempt();
        } else if (call instanceof ScopeOpened open) {
            return "open " + label(open.run());
        } else if (call instanceof ScopeClosed close) {
            return "close " + label(close.run());
        } else if (call instanceof HandlerEnded end) {
            return "end " + label(end.run()) + " " + end.outcome() + (end.error() != null ? " " + end.error().getMessage() : "");
        } else if (call instanceof Retry retry) {
            return "retry " + retry.eventType() + " " + retry.handlerName() + " after #" + retry.attempt() + " in "
                    + retry.delay().toMillis() + " ms: " + retry.error().getMessage();
        } else if (call instanceof DeadLettered dead) {
            return "dead letter " + dead.eventType() + " " + dead.handlerName() + " " + dead.reason() + ": "
                    + (dead.error() != null ? dead.error().getMessage() : null);
        }
        throw new IllegalArgumentException("not a handling-side call: " + call);
    }

    private static String label(HandlerRun run) {
        return run.handlerName() + "/" + ((Item) run.event().payload()).n();
    }

    private static List<String> handlingSide(RecordingObserver observer) {
        return observer.calls.stream()
                .filter(c -> !(c instanceof Publish || c instanceof PublishEnded || c instanceof Received))
                .map(BusObserverTest::line).toList();
    }

    /** The worker's calls for a hundred events, event 7 failing once, and event -1 (poison) always. */
    private static List<String> expectedHandling() {
        List<String> expected = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            expected.add("run worker/" + n + " #1");
            expected.add("open worker/" + n);
            expected.add("close worker/" + n);
            if (n == 7) {
                expected.add("end worker/7 RETRIED test: fails once");
                expected.add("retry test.observed worker after #1 in 10 ms: test: fails once");
                expected.add("run worker/7 #2");
                expected.add("open worker/7");
                expected.add("close worker/7");
            }
            expected.add("end worker/" + n + " SUCCESS");
        }
        for (int attempt = 1; attempt <= 3; attempt++) {
            expected.add("run worker/-1 #" + attempt);
            expected.add("open worker/-1");
            expected.add("close worker/-1");
            if (attempt < 3) {
                expected.add("end worker/-1 RETRIED test: poison");
                expected.add("retry test.observed worker after #" + attempt + " in " + (10 << (attempt - 1)) + " ms: test: poison");
            }
        }
        expected.add("dead letter test.observed worker HANDLER_FAILED: test: poison");
        expected.add("end worker/-1 DEAD_LETTERED test: poison");
        return expected;
    }

    /** A hundred events, the eighth failing once, then one poison event; waits until all are handled or dead. */
    private static void publishHundredAndAPoison(EventBus bus) {
        Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
        bus.subscribe(Item.class, "worker", e -> {
            if (e.payload().n() == -1) {
                throw new IllegalStateException("test: poison");
            }
            if (e.payload().n() == 7 && failedOnce.add(7)) {
                throw new IllegalStateException("test: fails once");
            }
        });
        bus.start();
        for (int n = 0; n < 100; n++) {
            bus.publish(new Item(n)).join();
        }
        bus.publish(new Item(-1)).join();
        await().until(() -> bus.stats().handled() == 100 && bus.stats().deadLettered() == 1);
    }

    private EventBus retryingBus(BusObserver observer) {
        EventBus bus = InMemoryEventBus.builder().observer(observer)
                .retry(RetryPolicy.exponential(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 3).withoutJitter())
                .sleeper(d -> { })
                .build();
        buses.add(bus);
        return bus;
    }

    @Test
    void aHundredEventsOneFailingOnceAndOnePoisonAreObservedExactly() {
        RecordingObserver observer = new RecordingObserver();
        EventBus bus = retryingBus(observer);

        publishHundredAndAPoison(bus);

        await().until(() -> observer.all(HandlerEnded.class).size() == 104);
        assertThat(observer.all(Publish.class)).hasSize(101)
                .allSatisfy(p -> assertThat(p.system()).isEqualTo("herald-memory"));
        assertThat(observer.all(PublishEnded.class)).hasSize(101).allSatisfy(end -> {
            assertThat(end.failure()).isNull();
            assertThat(end.sizeBytes()).isPositive();
        });
        assertThat(observer.all(Received.class)).hasSize(101).allSatisfy(r -> {
            assertThat(r.system()).isEqualTo("herald-memory");
            assertThat(r.eventType()).isEqualTo("test.observed");
            assertThat(r.handlerName()).isEqualTo("worker");
            assertThat(r.sizeBytes()).isPositive();
        });
        assertThat(handlingSide(observer)).containsExactlyElementsOf(expectedHandling());
        assertThat(observer.all(HandlerRun.class)).allSatisfy(run -> assertThat(run.system()).isEqualTo("herald-memory"));
        assertThat(observer.all(ScopeOpened.class)).allSatisfy(open -> assertThat(open.thread().getName()).startsWith("herald-worker-"));
        assertThat(observer.all(DeadLettered.class)).singleElement()
                .satisfies(d -> assertThat(d.error()).isInstanceOf(IllegalStateException.class));

        BusStats stats = bus.stats();
        assertThat(stats.published()).isEqualTo(101);
        assertThat(stats.received()).isEqualTo(101);
        assertThat(stats.handled()).isEqualTo(100);
        assertThat(stats.retried()).isEqualTo(3);
        assertThat(stats.deadLettered()).isEqualTo(1);
        assertThat(stats.handlers()).singleElement().satisfies(h -> {
            assertThat(h.eventType()).isEqualTo("test.observed");
            assertThat(h.handlerName()).isEqualTo("worker");
            assertThat(h.received()).isEqualTo(101);
            assertThat(h.handled()).isEqualTo(100);
            assertThat(h.retried()).isEqualTo(3);
            assertThat(h.deadLetters()).containsOnlyKeys(Reason.values()).containsEntry(Reason.HANDLER_FAILED, 1L)
                    .containsEntry(Reason.UNDECODABLE, 0L).containsEntry(Reason.SHUTDOWN, 0L);
            assertThat(h.queued()).isZero();
        });
    }

    @Test
    void anObserverThatThrowsEverywhereChangesWhatHappensToNoEvent() {
        RecordingObserver beside = new RecordingObserver();
        EventBus bus = retryingBus(BusObserver.composite(new ThrowingObserver(), beside, new BusObserver() {
            @Override
            public PublishObservation publishStarted(Publish publish) {
                throw new IllegalStateException("test: publishStarted");
            }

            @Override
            public HandlerObservation handlerStarted(HandlerRun run) {
                throw new IllegalStateException("test: handlerStarted");
            }
        }));

        publishHundredAndAPoison(bus);

        await().until(() -> beside.all(HandlerEnded.class).size() == 104);
        assertThat(handlingSide(beside)).containsExactlyElementsOf(expectedHandling());
        BusStats stats = bus.stats();
        assertThat(stats.published()).isEqualTo(101);
        assertThat(stats.publishFailed()).isZero();
        assertThat(stats.handled()).isEqualTo(100);
        assertThat(stats.retried()).isEqualTo(3);
        assertThat(stats.deadLettered()).isEqualTo(1);
        assertThat(bus.deadLetters().size()).isEqualTo(1);
    }

    /** Makes the run's event id current in a thread-local, as a tracer makes a span current. */
    private static final class ThreadLocalObserver implements BusObserver {
        static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
        final ConcurrentLinkedQueue<String> atEnd = new ConcurrentLinkedQueue<>();

        @Override
        public PublishObservation publishStarted(Publish publish) {
            String current = CURRENT.get();
            if (current != null) {
                publish.attributes().set("parentrun", current);
            }
            return PublishObservation.NONE;
        }

        @Override
        public HandlerObservation handlerStarted(HandlerRun run) {
            return new HandlerObservation() {
                @Override
                public Scope makeCurrent() {
                    String previous = CURRENT.get();
                    CURRENT.set(run.event().id());
                    return () -> CURRENT.set(previous);
                }

                @Override
                public void end(HandlerOutcome outcome, @Nullable Throwable error) {
                    atEnd.add(String.valueOf(CURRENT.get()));
                }
            };
        }
    }

    @EventType("test.observed-child")
    record Child(int n) {
    }

    @Test
    void theScopeIsCurrentInsideTheHandlerOnlyAndAnEventItPublishesSeesIt() {
        ThreadLocalObserver observer = new ThreadLocalObserver();
        EventBus bus = bus(observer);
        ConcurrentLinkedQueue<String> inside = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Envelope<Child>> children = new ConcurrentLinkedQueue<>();
        bus.subscribe(Item.class, "parent", e -> {
            inside.add(ThreadLocalObserver.CURRENT.get());
            bus.publish(new Child(e.payload().n()));
        });
        bus.subscribe(Child.class, "child", children::add);
        bus.start();

        Envelope<Item> parent = bus.publish(new Item(1)).join();

        await().until(() -> children.size() == 1 && observer.atEnd.size() == 2);
        assertThat(inside).containsExactly(parent.id());
        assertThat(children.peek().header("parentrun")).isEqualTo(parent.id());
        assertThat(children.peek().causationId()).isEqualTo(parent.id());
        assertThat(observer.atEnd).as("nothing current once the scope is closed").containsOnly("null");
        assertThat(ThreadLocalObserver.CURRENT.get()).isNull();
    }

    // ---------------------------------------------------------------- dead letters of every reason

    private static String cloudEvent(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"hand-1\",\"source\":\"/by/hand\",\"type\":\"" + type
                + "\",\"data\":" + data + "}";
    }

    @Test
    void everyDeadLetterOfEveryReasonIsObservedOncePerEventAndHandlerUnderTheHandlersType() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        InMemoryBroker broker = new InMemoryBroker();
        EventBus bus = InMemoryEventBus.builder().broker(broker).maxMessageSize(1024).observer(observer).build();
        buses.add(bus);
        bus.subscribe(Item.class, "first", e -> { });
        bus.subscribe("test.observed", "second", e -> { });
        bus.start();

        broker.publish("test.observed", "not json".getBytes(StandardCharsets.UTF_8));
        broker.publish("test.observed", cloudEvent("test.other", "{\"n\":1}").getBytes(StandardCharsets.UTF_8));
        broker.publish("test.observed", cloudEvent("test.observed", "{\"n\":\"" + "9".repeat(2000) + "\"}")
                .getBytes(StandardCharsets.UTF_8));

        await().until(() -> observer.all(DeadLettered.class).size() == 6); // told right after it is counted
        assertThat(observer.all(DeadLettered.class)).hasSize(6)
                .extracting(d -> d.handlerName() + " " + d.eventType() + " " + d.reason())
                .containsExactlyInAnyOrder("first test.observed UNDECODABLE", "second test.observed UNDECODABLE",
                        "first test.observed UNKNOWN_TYPE", "second test.observed UNKNOWN_TYPE",
                        "first test.observed TOO_LARGE", "second test.observed TOO_LARGE");
        assertThat(observer.all(DeadLettered.class)).allSatisfy(d -> assertThat(d.error()).isNotNull());
        assertThat(bus.deadLetters().size()).as("the oversized message is stored once for both").isEqualTo(5);
        assertThat(bus.deadLetters().list(10)).filteredOn(d -> d.reason() == Reason.UNKNOWN_TYPE)
                .as("the dead letter keeps the message's own type; observers get a bounded tag value")
                .extracting(DeadLetter::eventType).containsExactly("test.other", "test.other");
        assertThat(observer.all(HandlerRun.class)).as("no handler ran").isEmpty();
        assertThat(bus.stats().handlers()).extracting(h -> h.handlerName() + " " + h.deadLetters().get(Reason.UNDECODABLE)
                + " " + h.deadLetters().get(Reason.UNKNOWN_TYPE) + " " + h.deadLetters().get(Reason.TOO_LARGE))
                .containsExactly("first 1 1 1", "second 1 1 1");
    }

    @Test
    void workAShutdownParksIsObservedAsShutdownDeadLettersAndTheInterruptedRunAsAnError() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        EventBus bus = bus(observer);
        CountDownLatch started = new CountDownLatch(1);
        bus.subscribe(Item.class, SubscriptionOptions.named("slow"), e -> {
            started.countDown();
            new CountDownLatch(1).await(); // until the shutdown interrupts it
        });
        bus.start();
        for (int n = 0; n < 3; n++) {
            bus.publish(new Item(n)).join();
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        ShutdownReport report = bus.shutdown(Duration.ZERO);

        assertThat(report.parked()).isEqualTo(3);
        await().until(() -> observer.all(HandlerEnded.class).size() == 1);
        assertThat(observer.all(DeadLettered.class)).hasSize(3)
                .allSatisfy(d -> assertThat(d.reason()).isEqualTo(Reason.SHUTDOWN));
        assertThat(observer.all(HandlerEnded.class)).singleElement().satisfies(end -> {
            assertThat(end.outcome()).isEqualTo(HandlerOutcome.ERROR);
            assertThat(end.error()).isInstanceOf(InterruptedException.class);
        });
        assertThat(bus.stats().handlers()).singleElement()
                .satisfies(h -> assertThat(h.deadLetters()).containsEntry(Reason.SHUTDOWN, 3L));
    }

    @Test
    void aReplayIsObservedAsAnotherRunASuccessOrAnError() {
        RecordingObserver observer = new RecordingObserver();
        EventBus bus = bus(observer);
        AtomicBoolean fixed = new AtomicBoolean();
        bus.subscribe(Item.class, SubscriptionOptions.named("flaky").withRetry(RetryPolicy.none()), e -> {
            if (!fixed.get()) {
                throw new IllegalStateException("test: not yet");
            }
        });
        bus.start();
        bus.publish(new Item(1)).join();
        await().until(() -> bus.deadLetters().size() == 1);
        String id = bus.deadLetters().list(1).get(0).id();

        assertThat(bus.deadLetters().replay(id)).failsWithin(Duration.ofSeconds(5));
        fixed.set(true);
        bus.deadLetters().replay(id).join();

        // the replay's future completes on the worker a moment before the run's observation ends
        await().until(() -> observer.all(HandlerEnded.class).size() == 3);
        assertThat(observer.all(HandlerEnded.class)).extracting(HandlerEnded::outcome)
                .containsExactly(HandlerOutcome.DEAD_LETTERED, HandlerOutcome.ERROR, HandlerOutcome.SUCCESS);
        assertThat(observer.all(Received.class)).hasSize(3);
        assertThat(observer.all(DeadLettered.class)).hasSize(1);
    }

    @Test
    void handlerStatsFollowTheSubscriptionOrderAndAHandlerSubscribedAgainGoesOnCounting() {
        EventBus bus = bus(BusObserver.noop());
        Subscription first = bus.subscribe(Item.class, "a", e -> { });
        bus.subscribe(Child.class, "b", e -> { });
        bus.subscribe(Item.class, "c", e -> { });
        bus.start();
        bus.publish(new Item(1)).join();
        await().until(() -> bus.stats().handled() == 2);

        first.cancel();
        bus.subscribe(Item.class, "a", e -> { });
        bus.publish(new Item(2)).join();
        await().until(() -> bus.stats().handled() == 4);

        assertThat(bus.stats().handlers()).extracting(h -> h.eventType() + " " + h.handlerName() + " " + h.received()
                + " " + h.handled()).containsExactly("test.observed a 2 2", "test.observed-child b 0 0", "test.observed c 2 2");
        bus.shutdown();
        assertThat(bus.stats().handlers()).as("kept after shutdown").hasSize(3);
    }
}
