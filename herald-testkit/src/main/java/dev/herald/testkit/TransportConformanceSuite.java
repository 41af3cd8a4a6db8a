package dev.herald.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.BusState;
import dev.herald.DeadLetter;
import dev.herald.DeadLetter.Reason;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventBusBuilder;
import dev.herald.Metadata;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.DeadLettered;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Publish;
import dev.herald.spi.BusObserver.Received;
import dev.herald.spi.TransportFeatures;
import dev.herald.testkit.ConformanceEvents.ClaimsAName;
import dev.herald.testkit.ConformanceEvents.ClaimsTheSameName;
import dev.herald.testkit.ConformanceEvents.Numbered;
import dev.herald.testkit.ConformanceEvents.OrderPlaced;
import dev.herald.testkit.ConformanceEvents.PaymentTaken;
import dev.herald.testkit.ConformanceEvents.Unnamed;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The behaviour every Herald transport must have, as one JUnit 5 suite. A transport's test
 * extends it, says how to build a bus on that transport and how to write raw bytes to a topic,
 * and declares its {@link TransportFeatures}; tests of features it does not declare are skipped.
 * A transport that names its {@link dev.herald.spi.Transport#messagingSystem()} says so in
 * {@link #messagingSystem()}, for the tests of what the bus tells its observer.
 *
 * <pre>{@code
 * class InMemoryConformanceTest extends TransportConformanceSuite {
 *     private final InMemoryBroker broker = new InMemoryBroker();
 *     protected EventBusBuilder<?> newBusBuilder() { return InMemoryEventBus.builder().broker(broker); }
 *     protected TransportFeatures features() { return TransportFeatures.BROADCAST; }
 *     protected void publishRaw(String type, byte[] message) throws Exception { broker.publish(type, message); }
 * }
 * }</pre>
 *
 * <p>The tests are grouped by concern in {@code @Nested} classes, which JUnit runs for every
 * subclass, with the subclass's setup around each test. Every test ends by counting: each event
 * published is handled or dead-lettered, per handler.
 */
public abstract class TransportConformanceSuite {

    private final Resources buses = new Resources();

    /** For subclasses. */
    protected TransportConformanceSuite() {
    }

    /**
     * A builder of a bus on the transport under test; each call a new, independent bus that
     * reaches the same topics as the previous ones (and as {@link #publishRaw}).
     *
     * @return the builder
     */
    protected abstract EventBusBuilder<?> newBusBuilder();

    /**
     * What the transport promises.
     *
     * @return its features
     */
    protected abstract TransportFeatures features();

    /**
     * Writes raw bytes to the topic of a type, as a foreign program would.
     *
     * @param eventType the type
     * @param message the bytes
     * @throws Exception if it cannot
     */
    protected abstract void publishRaw(String eventType, byte[] message) throws Exception;

    /**
     * The transport's {@link dev.herald.spi.Transport#messagingSystem()}, which its bus tells its
     * observer: {@code herald-memory} in memory, {@code redis} on Redis.
     *
     * @return the name; by default {@code herald}, the default of a transport that names none
     */
    protected String messagingSystem() {
        return "herald";
    }

    /**
     * How long the suite waits for deliveries; slow transports may allow more.
     *
     * @return the wait
     */
    protected Duration patience() {
        return Duration.ofSeconds(30);
    }

    /**
     * Builds (not starts) a bus with extra options; shut down after each test.
     *
     * @param options changes to the builder
     * @return the bus
     */
    protected final EventBus bus(Consumer<EventBusBuilder<?>> options) {
        EventBusBuilder<?> builder = newBusBuilder();
        options.accept(builder);
        EventBus bus = builder.build();
        buses.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        return bus;
    }

    /**
     * Builds (not starts) a bus with the transport's defaults.
     *
     * @return the bus
     */
    protected final EventBus bus() {
        return bus(b -> { });
    }

    @AfterEach
    final void shutDownBuses() throws Exception {
        buses.close();
    }

    private ConditionFactory eventually() {
        return await().atMost(patience()).pollInterval(Duration.ofMillis(10));
    }

    private static <T> List<T> publishAll(EventBus bus, List<T> events) {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (T event : events) {
            futures.add(bus.publish(event));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        return events;
    }

    /**
     * Each received event ends handled, dead-lettered or left pending, per handler. A handler's
     * side effect is seen a moment before the bus counts the completion, so this waits briefly
     * for the counts to settle; a wrong count still fails.
     */
    private void assertAccounted(EventBus bus, long expectedPerHandler, int handlers) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
            long handled = bus.stats().handled();
            long dead = bus.stats().deadLettered();
            long pending = bus.stats().leftPending();
            assertThat(handled + dead + pending)
                    .as("every received event is handled, dead-lettered or left pending: handled=%d, dead-lettered=%d, pending=%d",
                            handled, dead, pending)
                    .isEqualTo(expectedPerHandler * handlers);
        });
    }

    private static List<Numbered> numbered(int n) {
        List<Numbered> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Numbered(0, i, null));
        }
        return out;
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /** An event reaches its handler whole: envelope, metadata, payload, from Herald or by hand. */
    @Nested
    class Delivery {

        @Test
        void aPublishedEventReachesATypedHandlerWithItsEnvelope() {
            EventBus bus = bus(b -> b.source("conformance-service"));
            ConcurrentLinkedQueue<Envelope<OrderPlaced>> got = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, got::add);
            bus.start();

            Instant before = Instant.now().minusSeconds(1);
            Envelope<OrderPlaced> sent = bus.publish(new OrderPlaced("42", 9950)).join();

            eventually().until(() -> got.size() == 1);
            Envelope<OrderPlaced> e = got.peek();
            assertThat(e.payload()).isEqualTo(new OrderPlaced("42", 9950));
            assertThat(e.id()).isEqualTo(sent.id());
            assertThat(e.type()).isEqualTo("conformance.order-placed");
            assertThat(e.source()).isEqualTo("conformance-service");
            assertThat(e.subject()).isEqualTo("42");
            assertThat(e.correlationId()).isEqualTo(sent.id());
            assertThat(e.causationId()).isNull();
            assertThat(e.time()).isAfter(before).isBeforeOrEqualTo(Instant.now());
            assertThat(UUID.fromString(e.id()).version()).isEqualTo(7);
            assertAccounted(bus, 1, 1);
        }

        @Test
        void aHandlerSubscribedByTypeNameReceivesTheDataAsPlainValues() {
            EventBus bus = bus();
            ConcurrentLinkedQueue<Envelope<Object>> got = new ConcurrentLinkedQueue<>();
            bus.subscribe("conformance.order-placed", got::add);
            bus.start();

            bus.publish(new OrderPlaced("7", 100)).join();

            eventually().until(() -> got.size() == 1);
            assertThat(got.peek().type()).isEqualTo("conformance.order-placed");
            assertThat(got.peek().payload()).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) got.peek().payload()).get("orderId")).isEqualTo("7");
            assertAccounted(bus, 1, 1);
        }

        @Test
        void anEventPublishedUnderATypeNamedByTheCallerReachesThatTypesSubscribersOnly() {
            EventBus bus = bus();
            ConcurrentLinkedQueue<Envelope<Object>> audited = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Envelope<OrderPlaced>> placed = new ConcurrentLinkedQueue<>();
            bus.subscribe("conformance.order-audited", audited::add);
            bus.subscribe(OrderPlaced.class, placed::add);
            bus.start();

            Envelope<OrderPlaced> sent = bus.publish("conformance.order-audited", new OrderPlaced("5", 10),
                    Metadata.correlationId("req-5")).join();

            assertThat(sent.type()).isEqualTo("conformance.order-audited");
            eventually().until(() -> audited.size() == 1);
            assertThat(audited.peek().type()).isEqualTo("conformance.order-audited");
            assertThat(audited.peek().correlationId()).isEqualTo("req-5");
            assertThat(((Map<?, ?>) audited.peek().payload()).get("orderId")).isEqualTo("5");
            assertThat(placed).as("the class's own type's subscribers").isEmpty();
            assertThatThrownBy(() -> bus.publish("not a type", new OrderPlaced("6", 1), Metadata.empty()).join())
                    .as("an invalid type name fails the future").hasCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a type");
            assertAccounted(bus, 1, 1);
        }

        @Test
        void metadataTravelsWithTheEvent() {
            EventBus bus = bus();
            ConcurrentLinkedQueue<Envelope<OrderPlaced>> got = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, got::add);
            bus.start();

            bus.publish(new OrderPlaced("9", 1), Metadata.correlationId("req-7").withSubject("custom-subject")
                    .withHeader("tenant", "acme").withHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).join();

            eventually().until(() -> got.size() == 1);
            Envelope<OrderPlaced> e = got.peek();
            assertThat(e.correlationId()).isEqualTo("req-7");
            assertThat(e.subject()).isEqualTo("custom-subject");
            assertThat(e.header("tenant")).isEqualTo("acme");
            assertThat(e.header("traceparent")).startsWith("00-0af7651916cd43dd8448eb211c80319c");
            assertAccounted(bus, 1, 1);
        }

        @Test
        void payloadsWithDecimalsTimesAndListsSurviveTheTrip() {
            EventBus bus = bus();
            ConcurrentLinkedQueue<PaymentTaken> got = new ConcurrentLinkedQueue<>();
            bus.subscribe(PaymentTaken.class, e -> got.add(e.payload()));
            bus.start();

            PaymentTaken sent = new PaymentTaken("p-1", new BigDecimal("1234567890.12345678901234567890"),
                    Instant.parse("2026-11-26T10:15:30.123456789Z"), List.of("a", "ü", "日本"));
            bus.publish(sent).join();

            eventually().until(() -> got.size() == 1);
            assertThat(got.peek()).isEqualTo(sent);
            assertAccounted(bus, 1, 1);
        }

        @Test
        void aHandWrittenCloudEventReachesTheHandler() throws Exception {
            assumeTrue(features().rawPublish(), "transport cannot inject raw messages");
            EventBus bus = bus();
            ConcurrentLinkedQueue<Envelope<OrderPlaced>> got = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, got::add);
            bus.start();

            publishRaw("conformance.order-placed", ("{\"specversion\":\"1.0\",\"type\":\"conformance.order-placed\","
                    + "\"source\":\"/by/hand\",\"id\":\"A234-1234-1234\",\"time\":\"2018-04-05T17:31:00+02:00\","
                    + "\"comexampleextension1\":\"value\",\"datacontenttype\":\"application/json\","
                    + "\"data\":{\"orderId\":\"hand\",\"cents\":12,\"extra\":true}}").getBytes(UTF_8));

            eventually().until(() -> got.size() == 1);
            Envelope<OrderPlaced> e = got.peek();
            assertThat(e.payload()).isEqualTo(new OrderPlaced("hand", 12));
            assertThat(e.id()).isEqualTo("A234-1234-1234");
            assertThat(e.source()).isEqualTo("/by/hand");
            assertThat(e.time()).isEqualTo(Instant.parse("2018-04-05T15:31:00Z"));
            assertThat(e.header("comexampleextension1")).isEqualTo("value");
            assertThat(e.correlationId()).isNull();
            assertAccounted(bus, 1, 1);
        }
    }

    /** Every handler of a type receives every event, once, under load. */
    @Nested
    class FanOut {

        @Test
        void everyHandlerOfATypeReceivesEveryEvent() {
            EventBus bus = bus();
            Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
            for (String name : List.of("first", "second", "third")) {
                counts.put(name, new AtomicInteger());
                bus.subscribe(OrderPlaced.class, name, e -> counts.get(name).incrementAndGet());
            }
            bus.subscribe("conformance.order-placed", "by-name", e -> counts.computeIfAbsent("by-name", k -> new AtomicInteger()).incrementAndGet());
            bus.start();

            int n = 200;
            for (int i = 0; i < n; i++) {
                bus.publish(new OrderPlaced("o" + i, i));
            }

            eventually().until(() -> counts.values().stream().allMatch(c -> c.get() == n) && counts.size() == 4);
            assertAccounted(bus, n, 4);
        }

        @Test
        void eightPublisherThreadsOfTenThousandEventsLoseAndDuplicateNothing() throws Exception {
            EventBus bus = bus();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger calls = new AtomicInteger();
            bus.subscribe(Numbered.class, e -> {
                seen.add(e.payload().publisher() + ":" + e.payload().seq());
                calls.incrementAndGet();
            });
            bus.start();

            int publishers = 8;
            int each = 10_000;
            ExecutorService pool = Executors.newFixedThreadPool(publishers);
            try {
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int p = 0; p < publishers; p++) {
                    int publisher = p;
                    done.add(CompletableFuture.runAsync(() -> {
                        List<CompletableFuture<?>> futures = new ArrayList<>(each);
                        for (int s = 0; s < each; s++) {
                            futures.add(bus.publish(new Numbered(publisher, s, null)));
                        }
                        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
                    }, pool));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(patience().toSeconds(), TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }

            eventually().until(() -> calls.get() >= publishers * each);
            assertThat(seen).hasSize(publishers * each);
            assertThat(calls.get()).as("no duplicates").isEqualTo(publishers * each);
            assertThat(bus.stats().published()).isEqualTo(publishers * each);
            assertAccounted(bus, (long) publishers * each, 1);
        }
    }

    /** Order is kept per publisher, and per subject in a concurrent handler. */
    @Nested
    class Ordering {

        @Test
        void aHandlerSeesOnePublishersEventsInOrder() {
            EventBus bus = bus();
            List<Long> order = new ArrayList<>();
            bus.subscribe(Numbered.class, e -> {
                synchronized (order) {
                    order.add(e.payload().seq());
                }
            });
            bus.start();

            int n = 2_000;
            for (int i = 0; i < n; i++) {
                bus.publish(new Numbered(0, i, null));
            }

            eventually().until(() -> {
                synchronized (order) {
                    return order.size() == n;
                }
            });
            synchronized (order) {
                assertThat(order).isSorted();
            }
            assertAccounted(bus, n, 1);
        }

        @Test
        void aConcurrentHandlerOrderedBySubjectKeepsEachSubjectInOrder() {
            EventBus bus = bus();
            Map<String, List<Long>> bySubject = new ConcurrentHashMap<>();
            Set<String> threads = ConcurrentHashMap.newKeySet();
            bus.subscribe(Numbered.class, SubscriptionOptions.named("ordered").withConcurrency(4).orderedBySubject(), e -> {
                threads.add(Thread.currentThread().getName());
                bySubject.computeIfAbsent(e.subject(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(e.payload().seq());
            });
            bus.start();

            int subjects = 16;
            int each = 100;
            for (int i = 0; i < each; i++) {
                for (int s = 0; s < subjects; s++) {
                    bus.publish(new Numbered(0, i, "subject-" + s));
                }
            }

            eventually().until(() -> bySubject.values().stream().mapToInt(List::size).sum() == subjects * each);
            bySubject.values().forEach(seqs -> assertThat(seqs).isSorted().hasSize(each));
            assertThat(threads).as("subjects ran on several workers").hasSizeGreaterThan(1);
            assertAccounted(bus, (long) subjects * each, 1);
        }
    }

    /** A hanging or slow handler neither blocks its siblings nor loses events. */
    @Nested
    class HandlerIndependence {

        @Test
        void aHangingHandlerDelaysNeitherItsSiblingsNorOtherTypes() {
            EventBus bus = bus();
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger hungCalls = new AtomicInteger();
            AtomicInteger sibling = new AtomicInteger();
            AtomicInteger otherType = new AtomicInteger();
            bus.subscribe(OrderPlaced.class, "hangs", e -> {
                hungCalls.incrementAndGet();
                release.await();
            });
            bus.subscribe(OrderPlaced.class, "sibling", e -> sibling.incrementAndGet());
            bus.subscribe(PaymentTaken.class, "other-type", e -> otherType.incrementAndGet());
            bus.start();

            int n = 100;
            for (int i = 0; i < n; i++) {
                bus.publish(new OrderPlaced("o" + i, i));
                bus.publish(new PaymentTaken("p" + i, BigDecimal.TEN, Instant.now(), List.of()));
            }

            eventually().until(() -> sibling.get() == n && otherType.get() == n);
            assertThat(hungCalls.get()).isEqualTo(1);
            release.countDown();
            eventually().until(() -> bus.stats().handled() == 3L * n);
            assertAccounted(bus, n, 3);
        }

        @Test
        void aSlowHandlerMakesThePublisherWaitInsteadOfDroppingEvents() {
            EventBus bus = bus();
            AtomicInteger handled = new AtomicInteger();
            bus.subscribe(Numbered.class, SubscriptionOptions.named("slow").withQueueCapacity(4), e -> {
                Thread.sleep(1);
                handled.incrementAndGet();
            });
            bus.start();

            int n = 300;
            for (int i = 0; i < n; i++) {
                bus.publish(new Numbered(0, i, null));
            }

            eventually().until(() -> handled.get() == n);
            assertAccounted(bus, n, 1);
        }
    }

    /** A handler's context: correlation and causation of what it publishes, and the logging context. */
    @Nested
    class Correlation {

        @Test
        void anEventPublishedInsideAHandlerInheritsCorrelationAndTakesCausation() {
            EventBus bus = bus();
            ConcurrentLinkedQueue<Envelope<PaymentTaken>> followUps = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Envelope<OrderPlaced>> orders = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, e -> {
                orders.add(e);
                bus.publish(new PaymentTaken("pay-" + e.payload().orderId(), BigDecimal.ONE, Instant.now(), List.of())).join();
            });
            bus.subscribe(PaymentTaken.class, followUps::add);
            bus.start();

            bus.publish(new OrderPlaced("1", 1), Metadata.correlationId("flow-1")).join();
            Envelope<OrderPlaced> uncorrelated = bus.publish(new OrderPlaced("2", 2)).join();

            eventually().until(() -> followUps.size() == 2);
            Map<String, Envelope<PaymentTaken>> byPayment = followUps.stream()
                    .collect(Collectors.toMap(e -> e.payload().paymentId(), e -> e));
            Envelope<OrderPlaced> first = orders.stream().filter(o -> o.payload().orderId().equals("1")).findFirst().orElseThrow();
            assertThat(requireNonNull(byPayment.get("pay-1")).correlationId()).isEqualTo("flow-1");
            assertThat(requireNonNull(byPayment.get("pay-1")).causationId()).isEqualTo(first.id());
            assertThat(requireNonNull(byPayment.get("pay-2")).correlationId()).isEqualTo(uncorrelated.id());
            assertThat(requireNonNull(byPayment.get("pay-2")).causationId()).isEqualTo(uncorrelated.id());
            assertAccounted(bus, 2, 2);
        }

        @Test
        void aRunningHandlerHasTheEventInTheLoggingContextOnADaemonWorkerThread() {
            MDC.put("herald.probe", "on");
            boolean mdcWorks = "on".equals(MDC.get("herald.probe"));
            MDC.remove("herald.probe");
            assumeTrue(mdcWorks, "the SLF4J binding on the test class path has no MDC (slf4j-simple); use logback");
            EventBus bus = bus();
            ConcurrentLinkedQueue<Map<String, String>> contexts = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Boolean> daemon = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, "logs", e -> {
                contexts.add(new HashMap<>(MDC.getCopyOfContextMap()));
                daemon.add(Thread.currentThread().isDaemon());
            });
            bus.start();

            Envelope<OrderPlaced> sent = bus.publish(new OrderPlaced("1", 1), Metadata.correlationId("corr-mdc")).join();

            eventually().until(() -> contexts.size() == 1);
            assertThat(contexts.peek()).containsEntry("herald.eventId", sent.id())
                    .containsEntry("herald.eventType", "conformance.order-placed")
                    .containsEntry("herald.handler", "logs")
                    .containsEntry("herald.correlationId", "corr-mdc");
            assertThat(daemon).as("a hung handler must not keep the JVM alive").containsExactly(true);
            assertAccounted(bus, 1, 1);
        }
    }

    /** Whatever a handler throws meets its retry policy: backoff, jitter, non-retryable failures, errors. */
    @Nested
    class Retry {

        @Test
        void aFailingHandlerIsRetriedWithExponentialBackoff() {
            RecordingSleeper sleeper = new RecordingSleeper();
            EventBus bus = bus(b -> b.sleeper(sleeper)
                    .retry(RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 5).withoutJitter()));
            AtomicInteger calls = new AtomicInteger();
            bus.subscribe(OrderPlaced.class, e -> {
                if (calls.incrementAndGet() < 4) {
                    throw new IllegalStateException("not yet");
                }
            });
            bus.start();

            bus.publish(new OrderPlaced("1", 1)).join();

            eventually().until(() -> bus.stats().handled() == 1);
            assertThat(calls.get()).isEqualTo(4);
            assertThat(sleeper.delays()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(bus.stats().retried()).isEqualTo(3);
            assertThat(bus.deadLetters().size()).isZero();
            assertAccounted(bus, 1, 1);
        }

        @Test
        void retryDelaysAreRandomizedWithinTheJitterAndCapped() {
            RecordingSleeper sleeper = new RecordingSleeper();
            RetryPolicy policy = RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofMillis(500), 6);
            EventBus bus = bus(b -> b.sleeper(sleeper).retry(policy));
            bus.subscribe(OrderPlaced.class, e -> {
                throw new IllegalStateException("always");
            });
            bus.start();

            bus.publish(new OrderPlaced("1", 1)).join();

            eventually().until(() -> bus.deadLetters().size() == 1);
            List<Duration> delays = sleeper.delays();
            assertThat(delays).hasSize(5);
            long[] nominal = {100, 200, 400, 500, 500};
            for (int i = 0; i < delays.size(); i++) {
                assertThat(delays.get(i).toNanos()).as("delay %d", i + 1)
                        .isBetween((long) (nominal[i] * 0.75e6), (long) (nominal[i] * 1.25e6));
            }
            assertThat(delays).as("jitter makes the delays differ from the nominal ones").anyMatch(d -> d.toNanos() % 1_000_000 != 0);
            assertThat(bus.deadLetters().list(1).get(0).attempts()).isEqualTo(6);
            assertAccounted(bus, 1, 1);
        }

        @Test
        void aNonRetryableExceptionGoesStraightToTheDeadLetters() {
            RecordingSleeper sleeper = new RecordingSleeper();
            EventBus bus = bus(b -> b.sleeper(sleeper)
                    .retry(RetryPolicy.exponential(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 5)
                            .nonRetryable(IllegalArgumentException.class)));
            AtomicInteger calls = new AtomicInteger();
            bus.subscribe(OrderPlaced.class, e -> {
                calls.incrementAndGet();
                throw new NumberFormatException("bad amount"); // a subclass of IllegalArgumentException
            });
            bus.start();

            bus.publish(new OrderPlaced("1", 1)).join();

            eventually().until(() -> bus.deadLetters().size() == 1);
            assertThat(calls.get()).isEqualTo(1);
            assertThat(sleeper.delays()).isEmpty();
            assertThat(bus.deadLetters().list(1).get(0).attempts()).isEqualTo(1);
            assertAccounted(bus, 1, 1);
        }

        @Test
        void aStackOverflowInAHandlerIsAFailedAttemptLikeAnyOther() {
            EventBus bus = bus(b -> b.sleeper(new RecordingSleeper())
                    .retry(RetryPolicy.exponential(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 3)));
            AtomicInteger calls = new AtomicInteger();
            bus.subscribe(OrderPlaced.class, "recurses", e -> {
                if (calls.incrementAndGet() == 1 || e.payload().orderId().equals("always")) {
                    recurse(0); // a real StackOverflowError, as a runaway handler throws it
                }
            });
            bus.start();

            bus.publish(new OrderPlaced("once", 1)).join();
            bus.publish(new OrderPlaced("fine", 2)).join();
            Envelope<OrderPlaced> poison = bus.publish(new OrderPlaced("always", 3)).join();

            eventually().until(() -> bus.stats().handled() == 2 && bus.deadLetters().size() == 1);
            DeadLetter letter = bus.deadLetters().list(10).get(0);
            assertThat(letter.eventId()).isEqualTo(poison.id());
            assertThat(letter.reason()).isEqualTo(Reason.HANDLER_FAILED);
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.errorClass()).isEqualTo(StackOverflowError.class.getName());
            assertAccounted(bus, 3, 1);
        }

        @Test
        void anOutOfMemoryErrorInAHandlerDeadLettersTheEventWithoutRetrying() {
            EventBus bus = bus(b -> b.sleeper(new RecordingSleeper())
                    .retry(RetryPolicy.exponential(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 5)));
            AtomicInteger calls = new AtomicInteger();
            bus.subscribe(OrderPlaced.class, "runs-out-of-memory", e -> {
                if (calls.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("Java heap space (thrown by the test)");
                }
            });
            bus.start();

            Envelope<OrderPlaced> first = bus.publish(new OrderPlaced("1", 1)).join();
            bus.publish(new OrderPlaced("2", 2)).join();

            eventually().until(() -> bus.stats().handled() == 1 && bus.deadLetters().size() == 1);
            DeadLetter letter = bus.deadLetters().list(10).get(0);
            assertThat(letter.eventId()).isEqualTo(first.id());
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.errorClass()).isEqualTo(OutOfMemoryError.class.getName());
            assertThat(calls.get()).isEqualTo(2);
            assertAccounted(bus, 2, 1);
            ShutdownReport report = bus.shutdown(Duration.ofSeconds(5));
            assertThat(report.handled()).isEqualTo(1);
            assertThat(report.deadLettered()).isEqualTo(1);
        }

        @Test
        void aSubscriptionsRetryPolicyOverridesTheBusDefault() {
            EventBus bus = bus(b -> b.sleeper(new RecordingSleeper()).retry(RetryPolicy.none()));
            AtomicInteger defaultCalls = new AtomicInteger();
            AtomicInteger ownCalls = new AtomicInteger();
            bus.subscribe(OrderPlaced.class, "default-policy", e -> {
                defaultCalls.incrementAndGet();
                throw new IllegalStateException("x");
            });
            bus.subscribe(OrderPlaced.class, SubscriptionOptions.named("own-policy")
                    .withRetry(RetryPolicy.exponential(Duration.ofMillis(1), 2.0, Duration.ofSeconds(1), 4)), e -> {
                        ownCalls.incrementAndGet();
                        throw new IllegalStateException("y");
                    });
            bus.start();

            bus.publish(new OrderPlaced("1", 1)).join();

            eventually().until(() -> bus.deadLetters().size() == 2);
            assertThat(defaultCalls.get()).isEqualTo(1);
            assertThat(ownCalls.get()).isEqualTo(4);
            assertAccounted(bus, 1, 2);
        }
    }

    /** A dead letter says what failed and why, and can be replayed, deleted and purged. */
    @Nested
    class DeadLetters {

        @Test
        void exhaustedRetriesMakeADeadLetterWithTheReasonHandlerAndError() {
            EventBus bus = bus(b -> b.sleeper(new RecordingSleeper())
                    .retry(RetryPolicy.exponential(Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 3)));
            bus.subscribe(OrderPlaced.class, "charge-card", e -> {
                throw new IllegalStateException("card declined for " + e.payload().orderId());
            });
            bus.start();

            Envelope<OrderPlaced> sent = bus.publish(new OrderPlaced("77", 5)).join();

            eventually().until(() -> bus.deadLetters().size() == 1);
            DeadLetter letter = bus.deadLetters().list(10).get(0);
            assertThat(letter.reason()).isEqualTo(Reason.HANDLER_FAILED);
            assertThat(letter.handler()).isEqualTo("charge-card");
            assertThat(letter.eventType()).isEqualTo("conformance.order-placed");
            assertThat(letter.eventId()).isEqualTo(sent.id());
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.error()).contains("IllegalStateException").contains("card declined for 77");
            assertThat(letter.errorClass()).isEqualTo(IllegalStateException.class.getName());
            assertThat(letter.stackTrace()).contains("card declined for 77").contains("\tat ");
            assertThat(letter.rawMessageText()).contains(sent.id()).contains("\"orderId\":\"77\"");
            assertThat(letter.firstFailure()).isBeforeOrEqualTo(letter.lastFailure());
            assertThat(bus.deadLetters().get(letter.id())).contains(letter);
            assertThat(bus.stats().handled()).isZero();
            assertAccounted(bus, 1, 1);
        }

        @Test
        void aDeadLetterReplayedAfterTheFixIsHandledAndRemoved() {
            EventBus bus = bus(b -> b.retry(RetryPolicy.none()));
            AtomicInteger calls = new AtomicInteger();
            ConcurrentLinkedQueue<String> handled = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, "flaky", e -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("first time fails");
                }
                handled.add(e.payload().orderId());
            });
            bus.start();

            bus.publish(new OrderPlaced("5", 5)).join();
            eventually().until(() -> bus.deadLetters().size() == 1);
            String id = bus.deadLetters().list(1).get(0).id();

            bus.deadLetters().replay(id).join();

            assertThat(handled).containsExactly("5");
            assertThat(bus.deadLetters().get(id)).isEmpty();
            assertThat(bus.deadLetters().size()).isZero();
            assertThatThrownBy(() -> bus.deadLetters().replay("no-such-id").join())
                    .hasCauseInstanceOf(NoSuchElementException.class).hasMessageContaining("no-such-id");
        }

        @Test
        void deadLettersCanBeDeletedAndPurgedAndStayReadableAfterShutdown() {
            EventBus bus = bus(b -> b.retry(RetryPolicy.none()));
            bus.subscribe(OrderPlaced.class, e -> {
                throw new IllegalStateException("no");
            });
            bus.start();
            publishAll(bus, List.of(new OrderPlaced("1", 1), new OrderPlaced("2", 2), new OrderPlaced("3", 3)));
            eventually().until(() -> bus.deadLetters().size() == 3);

            List<DeadLetter> letters = bus.deadLetters().list(10);
            assertThat(letters).extracting(DeadLetter::rawMessageText)
                    .satisfiesExactly(t -> assertThat(t).contains("\"orderId\":\"1\""),
                            t -> assertThat(t).contains("\"orderId\":\"2\""),
                            t -> assertThat(t).contains("\"orderId\":\"3\""));
            assertThat(bus.deadLetters().delete(letters.get(0).id())).isTrue();
            assertThat(bus.deadLetters().delete(letters.get(0).id())).isFalse();
            bus.shutdown(Duration.ofSeconds(5));

            assertThat(bus.deadLetters().size()).isEqualTo(2);
            assertThat(bus.deadLetters().list(1)).extracting(DeadLetter::id).containsExactly(letters.get(1).id());
            assertThat(bus.deadLetters().purge()).isEqualTo(2);
            assertThat(bus.deadLetters().size()).isZero();
        }
    }

    /** Bad input on the wire becomes a dead letter, and the bus goes on. */
    @Nested
    class BadInput {

        @Test
        void everyKindOfBadInputBecomesADeadLetterAndTheBusGoesOn() throws Exception {
            assumeTrue(features().rawPublish(), "transport cannot inject raw messages");
            EventBus bus = bus(b -> b.maxMessageSize(4096));
            ConcurrentLinkedQueue<OrderPlaced> handled = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, "orders", e -> handled.add(e.payload()));
            bus.start();

            String type = "conformance.order-placed";
            String good = "\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"test\",\"type\":\"" + type + "\"";
            Map<String, Reason> cases = new LinkedHashMap<>();
            cases.put("{not json", Reason.UNDECODABLE);
            cases.put("[1,2,3]", Reason.UNDECODABLE);
            cases.put("", Reason.UNDECODABLE);
            cases.put("{\"specversion\":\"1.0\",\"id\":\"e-2\",\"source\":\"test\",\"data\":{}}", Reason.UNDECODABLE);
            cases.put("{\"specversion\":\"1.0\",\"source\":\"test\",\"type\":\"" + type + "\",\"data\":{}}", Reason.UNDECODABLE);
            cases.put("{\"id\":\"e-3\",\"source\":\"test\",\"type\":\"" + type + "\",\"data\":{}}", Reason.UNDECODABLE);
            cases.put("{\"specversion\":\"0.3\",\"id\":\"e-4\",\"source\":\"test\",\"type\":\"" + type + "\",\"data\":{}}", Reason.UNDECODABLE);
            cases.put("{" + good.replace(type, "conformance.nobody-handles-this") + ",\"data\":{}}", Reason.UNKNOWN_TYPE);
            cases.put("{" + good + ",\"data\":{\"orderId\":\"1\",\"cents\":\"not a number\"}}", Reason.UNDECODABLE);
            cases.put("{" + good + ",\"data\":{\"orderId\":\"" + "x".repeat(5000) + "\",\"cents\":1}}", Reason.TOO_LARGE);

            for (String raw : cases.keySet()) {
                publishRaw(type, raw.getBytes(UTF_8));
            }
            publishRaw(type, ("{" + good + ",\"data\":{\"orderId\":\"fine\",\"cents\":3}}").getBytes(UTF_8));

            eventually().until(() -> handled.size() == 1 && bus.deadLetters().size() == cases.size());
            assertThat(handled).containsExactly(new OrderPlaced("fine", 3));
            List<DeadLetter> letters = bus.deadLetters().list(100);
            Map<String, Reason> actual = new HashMap<>();
            for (DeadLetter d : letters) {
                actual.put(d.rawMessageText(), d.reason());
                assertThat(d.handler()).isEqualTo("orders");
                assertThat(d.attempts()).isZero();
                assertThat(d.error()).isNotBlank();
            }
            assertThat(actual).isEqualTo(cases);
            assertThat(letters).filteredOn(d -> d.reason() == Reason.UNKNOWN_TYPE).singleElement()
                    .satisfies(d -> assertThat(d.eventType()).isEqualTo("conformance.nobody-handles-this"));
            assertAccounted(bus, cases.size() + 1, 1);
        }

        @Test
        void anOversizedMessageIsDeadLetteredOnceForAllItsHandlersCappedAndWithItsOriginalLength() throws Exception {
            assumeTrue(features().rawPublish(), "transport cannot inject raw messages");
            int cap = 16 * 1024;
            EventBus bus = bus(b -> b.maxMessageSize(64 * 1024).deadLetterRawLimit(cap));
            bus.subscribe(OrderPlaced.class, "second", e -> { });
            bus.subscribe(OrderPlaced.class, "first", e -> { });
            bus.start();

            String type = "conformance.order-placed";
            int size = 1024 * 1024;
            for (int i = 0; i < 3; i++) {
                String head = "{\"specversion\":\"1.0\",\"id\":\"big-" + i + "\",\"source\":\"test\",\"type\":\"" + type
                        + "\",\"data\":{\"orderId\":\"";
                String tail = "\",\"cents\":1}}";
                publishRaw(type, (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(UTF_8));
            }

            eventually().until(() -> bus.stats().deadLettered() == 6);
            assertThat(bus.deadLetters().list(100)).hasSize(3).allSatisfy(d -> {
                assertThat(d.reason()).isEqualTo(Reason.TOO_LARGE);
                assertThat(d.handler()).as("one handler's name: the one that met it first").isIn("first", "second");
                assertThat(d.error()).contains("also " + (requireNonNull(d.handler()).equals("first") ? "second" : "first"));
                assertThat(d.eventType()).isEqualTo(type);
                assertThat(d.rawMessage()).hasSizeLessThanOrEqualTo(cap);
                assertThat(d.rawMessageLength()).isEqualTo(size);
                assertThat(d.truncated()).isTrue();
            });
            assertAccounted(bus, 3, 2);
        }

        @Test
        void anOversizedMessageIsStoredEvenIfTheHandlerFirstByNameNeverReceivesIt() throws Exception {
            assumeTrue(features().rawPublish(), "transport cannot inject raw messages");
            EventBus bus = bus(b -> b.maxMessageSize(64 * 1024));
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            bus.subscribe(OrderPlaced.class, SubscriptionOptions.named("b").withConcurrency(1), e -> {
                busy.countDown();
                release.await();
            });
            bus.start();
            bus.publish(new OrderPlaced("holds-b", 1)).join();
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

            String type = "conformance.order-placed";
            for (int i = 0; i < 3; i++) {
                String head = "{\"specversion\":\"1.0\",\"id\":\"big-" + i + "\",\"source\":\"test\",\"type\":\"" + type
                        + "\",\"data\":{\"orderId\":\"";
                String tail = "\",\"cents\":1}}";
                publishRaw(type, (head + "x".repeat(128 * 1024 - head.length() - tail.length()) + tail).getBytes(UTF_8));
            }
            eventually().until(() -> bus.stats().received() == 4); // queued behind the held event
            bus.subscribe(OrderPlaced.class, "a", e -> { }); // joins after them: never receives them
            release.countDown();

            eventually().until(() -> bus.stats().deadLettered() == 3);
            assertThat(bus.deadLetters().list(100)).hasSize(3).allSatisfy(d -> {
                assertThat(d.reason()).isEqualTo(Reason.TOO_LARGE);
                assertThat(d.handler()).isEqualTo("b");
                assertThat(d.error()).contains("also a");
            });
            assertAccounted(bus, 4, 1);
        }
    }

    /** Event classes map to type names explicitly; a class without one, or a clash, is refused. */
    @Nested
    class TypeNames {

        @Test
        void aClassWithoutATypeNameIsRejectedClearly() {
            EventBus bus = bus();
            assertThatThrownBy(() -> bus.subscribe(Unnamed.class, e -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Unnamed.class.getName())
                    .hasMessageContaining("@EventType");
            bus.start();
            assertThatThrownBy(() -> bus.publish(new Unnamed("x")).join())
                    .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining(Unnamed.class.getName());
            assertThat(bus.state()).isEqualTo(BusState.RUNNING);
        }

        @Test
        void aSecondClassClaimingATypeNameIsRefusedNamingBothOnSubscribeOrPublish() {
            EventBus bySubscribe = bus();
            bySubscribe.subscribe(ClaimsAName.class, e -> { });
            assertThatThrownBy(() -> bySubscribe.subscribe(ClaimsTheSameName.class, e -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("conformance.claimed")
                    .hasMessageContaining(ClaimsAName.class.getName())
                    .hasMessageContaining(ClaimsTheSameName.class.getName());

            EventBus byPublish = bus();
            ConcurrentLinkedQueue<Envelope<ClaimsAName>> got = new ConcurrentLinkedQueue<>();
            byPublish.subscribe(ClaimsAName.class, got::add);
            byPublish.start();
            assertThatThrownBy(() -> byPublish.publish(new ClaimsTheSameName("x")).join())
                    .hasCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(ClaimsAName.class.getName())
                    .hasMessageContaining(ClaimsTheSameName.class.getName());
            byPublish.publish(new ClaimsAName(7)).join();
            eventually().until(() -> got.size() == 1);
            assertThat(got.peek().payload()).isEqualTo(new ClaimsAName(7));
            assertThat(byPublish.state()).isEqualTo(BusState.RUNNING);
        }

        @Test
        void aClassRegisteredByHandNeedsNoAnnotation() {
            EventBus bus = bus(b -> b.registerType("conformance.unnamed", Unnamed.class));
            ConcurrentLinkedQueue<Envelope<Unnamed>> got = new ConcurrentLinkedQueue<>();
            bus.subscribe(Unnamed.class, got::add);
            bus.start();

            bus.publish(new Unnamed("v")).join();

            eventually().until(() -> got.size() == 1);
            assertThat(got.peek().type()).isEqualTo("conformance.unnamed");
            assertThat(got.peek().payload()).isEqualTo(new Unnamed("v"));
        }
    }

    /** What persistent transports and consumer groups promise; skipped where not declared. */
    @Nested
    class Durability {

        @Test
        void aPersistentTransportKeepsEventsPublishedWhileTheSubscriberIsDown() {
            assumeTrue(features().persistent(), "transport does not keep events for absent subscribers");
            EventBus first = bus(b -> b.source("durable-service"));
            first.subscribe(Numbered.class, "keeper", e -> { });
            first.start();
            first.shutdown(Duration.ofSeconds(5));

            EventBus publisher = bus(b -> b.source("publisher"));
            publisher.start();
            publishAll(publisher, numbered(500));

            Set<Long> seen = ConcurrentHashMap.newKeySet();
            EventBus second = bus(b -> b.source("durable-service"));
            second.subscribe(Numbered.class, "keeper", e -> seen.add(e.payload().seq()));
            second.start();

            eventually().until(() -> seen.size() == 500);
            assertAccounted(second, 500, 1);
        }

        @Test
        void instancesOfOneServiceShareAHandlersWorkAndOtherServicesGetEverything() {
            assumeTrue(features().consumerGroups(), "transport has no consumer groups");
            Map<String, Set<Long>> seen = new ConcurrentHashMap<>();
            AtomicInteger calls = new AtomicInteger();
            for (String instance : List.of("billing-1", "billing-2", "audit-1")) {
                String service = instance.substring(0, instance.indexOf('-'));
                EventBus bus = bus(b -> b.source(service).instanceId(instance));
                Set<Long> mine = ConcurrentHashMap.newKeySet();
                seen.put(instance, mine);
                bus.subscribe(Numbered.class, "record", e -> {
                    mine.add(e.payload().seq());
                    calls.incrementAndGet();
                    Thread.sleep(1);
                });
                bus.start();
            }
            EventBus publisher = bus(b -> b.source("publisher"));
            publisher.start();
            publishAll(publisher, numbered(400));

            eventually().until(() -> calls.get() >= 800 && requireNonNull(seen.get("audit-1")).size() == 400);
            Set<Long> billing = new HashSet<>(seen.get("billing-1"));
            billing.addAll(seen.get("billing-2"));
            assertThat(billing).as("billing handled every event once between its two instances").hasSize(400);
            assertThat(requireNonNull(seen.get("billing-1")).size() + requireNonNull(seen.get("billing-2")).size()).as("no event twice").isEqualTo(400);
            assertThat(seen.get("billing-1")).as("both instances took part").isNotEmpty();
            assertThat(seen.get("billing-2")).isNotEmpty();
        }
    }

    /** Start, shutdown and cancelling a subscription: idempotent, with clear refusals. */
    @Nested
    class Lifecycle {

        @Test
        void publishingBeforeStartOrAfterShutdownFailsAndLifecycleCallsAreIdempotent() {
            EventBus bus = bus();
            assertThat(bus.state()).isEqualTo(BusState.NEW);
            assertThatThrownBy(() -> bus.publish(new OrderPlaced("1", 1)).join())
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("start()");

            bus.start();
            bus.start();
            assertThat(bus.state()).isEqualTo(BusState.RUNNING);

            ShutdownReport first = bus.shutdown(Duration.ofSeconds(5));
            ShutdownReport second = bus.shutdown(Duration.ofSeconds(5));
            bus.close();
            assertThat(second).isSameAs(first);
            assertThat(first.completedInTime()).isTrue();
            assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
            assertThatThrownBy(() -> bus.publish(new OrderPlaced("1", 1)).join())
                    .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("shut");
            assertThatThrownBy(bus::start).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> bus.subscribe(OrderPlaced.class, e -> { })).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aCancelledSubscriptionReceivesNothingMore() {
            EventBus bus = bus();
            AtomicInteger cancelled = new AtomicInteger();
            AtomicInteger kept = new AtomicInteger();
            Subscription subscription = bus.subscribe(OrderPlaced.class, "to-cancel", e -> cancelled.incrementAndGet());
            bus.subscribe(OrderPlaced.class, "kept", e -> kept.incrementAndGet());
            bus.start();
            bus.publish(new OrderPlaced("1", 1)).join();
            eventually().until(() -> cancelled.get() == 1 && kept.get() == 1);

            subscription.cancel();
            subscription.cancel();
            assertThat(subscription.isActive()).isFalse();
            bus.publish(new OrderPlaced("2", 2)).join();

            eventually().until(() -> kept.get() == 2);
            assertThat(cancelled.get()).isEqualTo(1);
            assertThat(subscription.handlerName()).isEqualTo("to-cancel");
        }
    }

    /** Shutdown finishes received work by its deadline and parks or leaves pending what it cannot. */
    @Nested
    class Shutdown {

        @Test
        void shutdownLetsHandlersFinishTheWorkTheyReceived() {
            EventBus bus = bus();
            AtomicInteger handled = new AtomicInteger();
            bus.subscribe(Numbered.class, e -> {
                Thread.sleep(2);
                handled.incrementAndGet();
            });
            bus.start();
            int n = 300;
            for (int i = 0; i < n; i++) {
                bus.publish(new Numbered(0, i, null));
            }
            // received, not merely published: a durable transport leaves unread events in the stream
            eventually().until(() -> bus.stats().received() == n);

            ShutdownReport report = bus.shutdown(Duration.ofSeconds(30));

            assertThat(report.completedInTime()).isTrue();
            assertThat(report.parked()).isZero();
            assertThat(handled.get()).isEqualTo(n);
            assertThat(report.handled()).isEqualTo(n);
            assertAccounted(bus, n, 1);
        }

        @Test
        void shutdownParksWhatAHungHandlerHoldsAndReturnsByTheDeadline() {
            EventBus bus = bus();
            CountDownLatch never = new CountDownLatch(1);
            AtomicInteger started = new AtomicInteger();
            bus.subscribe(Numbered.class, "hangs-interruptibly", e -> {
                started.incrementAndGet();
                never.await();
            });
            bus.subscribe(Numbered.class, "ignores-interrupts", e -> {
                while (never.getCount() > 0) {
                    try {
                        never.await();
                    } catch (InterruptedException ignored) {
                        // a badly behaved handler: it must not hold up the shutdown
                        if (started.get() > 1_000_000) {
                            return;
                        }
                    }
                }
            });
            bus.subscribe(Numbered.class, "quick", e -> { });
            bus.start();
            int n = 20;
            for (int i = 0; i < n; i++) {
                bus.publish(new Numbered(0, i, null)).join();
            }
            eventually().until(() -> started.get() == 1 && bus.stats().handled() == n);

            long begin = System.nanoTime();
            ShutdownReport report = bus.shutdown(Duration.ofMillis(300));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(took).isLessThan(Duration.ofSeconds(5));
            assertThat(report.completedInTime()).isFalse();
            if (features().redelivery()) {
                // a durable transport leaves the unfinished work pending for another instance
                assertThat(report.leftPending()).isEqualTo(2L * n);
                assertThat(report.parked()).isZero();
            } else {
                assertThat(report.parked()).isEqualTo(2L * n);
                List<DeadLetter> letters = bus.deadLetters().list(1000);
                assertThat(letters).hasSize(2 * n).allMatch(d -> d.reason() == Reason.SHUTDOWN);
                assertThat(letters).extracting(DeadLetter::handler).containsOnly("hangs-interruptibly", "ignores-interrupts");
            }
            assertThat(report.handled() + report.deadLettered() + report.leftPending()).isEqualTo(3L * n);
            assertAccounted(bus, n, 3);
            never.countDown();
        }

        @Test
        void shutdownCalledByAHandlerOnItsOwnThreadIsRefusedAtOnceAndAnotherThreadCanShutDown() {
            EventBus bus = bus();
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            bus.subscribe(OrderPlaced.class, "stops-the-bus", e -> {
                try {
                    bus.shutdown(Duration.ofSeconds(10));
                    refused.complete(null);
                } catch (RuntimeException t) {
                    refused.complete(t);
                }
            });
            bus.start();

            long begin = System.nanoTime();
            bus.publish(new OrderPlaced("1", 1)).join();
            Throwable failure = refused.orTimeout(patience().toSeconds(), TimeUnit.SECONDS).join();

            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(5));
            assertThat(failure).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stops-the-bus").hasMessageContaining("another thread");
            assertThat(bus.state()).isEqualTo(BusState.RUNNING);
            assertAccounted(bus, 1, 1);

            ShutdownReport first = CompletableFuture.supplyAsync(() -> bus.shutdown(Duration.ofSeconds(5))).join();
            assertThat(first.completedInTime()).isTrue();
            assertThat(first.handled()).isEqualTo(1);
            assertThat(bus.shutdown()).isSameAs(first);
            bus.close();
            assertThat(bus.state()).isEqualTo(BusState.TERMINATED);
        }

        @Test
        void aHandlerCanPublishWhileTheBusDrains() {
            EventBus bus = bus();
            CountDownLatch inHandler = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            bus.subscribe(OrderPlaced.class, e -> {
                inHandler.countDown();
                proceed.await();
                bus.publish(new PaymentTaken("p", BigDecimal.ONE, Instant.now(), List.of()))
                        .exceptionally(t -> {
                            failures.add(t);
                            return null;
                        }).join();
            });
            bus.start();
            bus.publish(new OrderPlaced("1", 1)).join();
            CompletableFuture<ShutdownReport> shutdown;
            try {
                inHandler.await(patience().toSeconds(), TimeUnit.SECONDS);
                shutdown = CompletableFuture.supplyAsync(() -> bus.shutdown(Duration.ofSeconds(20)));
                eventually().until(() -> bus.state() == BusState.STOPPING);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                proceed.countDown();
            }
            assertThat(shutdown.join().completedInTime()).isTrue();
            assertThat(failures).isEmpty();
            assertThat(bus.stats().published()).isEqualTo(2);
            assertAccounted(bus, 1, 1);
        }
    }

    /** The threads a bus starts are the application's: from its thread factory, named by Herald, virtual ones too. */
    /** What a bus does is told to its observer, and an attribute the observer sets travels with the event. */
    @Nested
    class Observing {

        @Test
        void theObserverSeesEachPublishReceiptHandlerRunAndDeadLetterNamingTheTransportsSystem() {
            Recorder observer = new Recorder(Map.of());
            EventBus bus = bus(b -> b.retry(RetryPolicy.none()).observer(observer));
            bus.subscribe(OrderPlaced.class, "ok", e -> { });
            bus.subscribe(OrderPlaced.class, "failing", e -> {
                throw new IllegalStateException("test: fails for " + e.payload().orderId());
            });
            bus.start();

            List<OrderPlaced> events = publishAll(bus, List.of(new OrderPlaced("1", 1), new OrderPlaced("2", 2),
                    new OrderPlaced("3", 3)));

            // a message is told received once queued, so possibly after its handler ran
            eventually().until(() -> observer.all(Ended.class).size() == 6 && observer.all(DeadLettered.class).size() == 3
                    && observer.all(Received.class).size() == 6);
            assertThat(observer.all(Publish.class)).hasSize(events.size()).allSatisfy(p -> {
                assertThat(p.system()).isEqualTo(messagingSystem());
                assertThat(p.eventType()).isEqualTo("conformance.order-placed");
            });
            assertThat(observer.all(Published.class)).hasSize(events.size()).allSatisfy(p -> {
                assertThat(p.failure()).isNull();
                assertThat(p.sizeBytes()).isPositive();
            });
            assertThat(observer.all(Received.class)).hasSize(6).allSatisfy(r -> {
                assertThat(r.system()).isEqualTo(messagingSystem());
                assertThat(r.eventType()).isEqualTo("conformance.order-placed");
                assertThat(r.sizeBytes()).isPositive();
            });
            assertThat(observer.all(Received.class)).extracting(BusObserver.Received::handlerName)
                    .containsOnly("ok", "failing");
            assertThat(observer.all(HandlerRun.class)).hasSize(6).allSatisfy(run -> {
                assertThat(run.system()).isEqualTo(messagingSystem());
                assertThat(run.attempt()).isEqualTo(1);
            });
            assertThat(observer.all(Ended.class)).extracting(e -> e.run().handlerName() + " " + e.outcome())
                    .containsExactlyInAnyOrder("ok SUCCESS", "ok SUCCESS", "ok SUCCESS",
                            "failing DEAD_LETTERED", "failing DEAD_LETTERED", "failing DEAD_LETTERED");
            assertThat(observer.all(DeadLettered.class)).allSatisfy(d -> {
                assertThat(d.handlerName()).isEqualTo("failing");
                assertThat(d.eventType()).isEqualTo("conformance.order-placed");
                assertThat(d.reason()).isEqualTo(Reason.HANDLER_FAILED);
                assertThat(d.error()).hasMessageStartingWith("test: fails for ");
            });
            assertThat(bus.stats().handlers()).extracting(h -> h.handlerName() + " " + h.received() + " " + h.handled()
                    + " " + h.deadLetters().get(Reason.HANDLER_FAILED)).containsExactly("ok 3 3 0", "failing 3 0 3");
            assertAccounted(bus, 3, 2);
        }

        @Test
        void anAttributeTheObserverSetsOnPublishArrivesWithTheEventAtAnotherBus() {
            String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            EventBus publisher = bus(b -> b.observer(new Recorder(Map.of("traceparent", traceparent, "tracestate", "herald=1"))));
            Recorder handlingSide = new Recorder(Map.of());
            EventBus subscriber = bus(b -> b.observer(handlingSide));
            ConcurrentLinkedQueue<Envelope<OrderPlaced>> got = new ConcurrentLinkedQueue<>();
            subscriber.subscribe(OrderPlaced.class, "traced", got::add);
            subscriber.start();
            publisher.start();

            Envelope<OrderPlaced> sent = publisher.publish(new OrderPlaced("t", 1)).join();

            eventually().until(() -> got.size() == 1);
            assertThat(got.peek().header("traceparent")).isEqualTo(traceparent);
            assertThat(got.peek().header("tracestate")).isEqualTo("herald=1");
            assertThat(sent.header("traceparent")).isEqualTo(traceparent);
            eventually().until(() -> handlingSide.all(HandlerRun.class).size() == 1);
            assertThat(handlingSide.all(HandlerRun.class).get(0).event().headers())
                    .containsEntry("traceparent", traceparent).containsEntry("tracestate", "herald=1");
            assertAccounted(subscriber, 1, 1);
        }
    }

    /** A publish that ended, as the suite's observer records it. */
    private record Published(int sizeBytes, @Nullable Throwable failure) {
    }

    /** A handler run that ended, as the suite's observer records it. */
    private record Ended(HandlerRun run, HandlerOutcome outcome) {
    }

    /** Records what it is told, in order; sets the given attributes on each publish. */
    private static final class Recorder implements BusObserver {
        private final ConcurrentLinkedQueue<Object> calls = new ConcurrentLinkedQueue<>();
        private final Map<String, String> attributes;

        Recorder(Map<String, String> attributes) {
            this.attributes = attributes;
        }

        <T> List<T> all(Class<T> kind) {
            return calls.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        @Override
        public PublishObservation publishStarted(Publish publish) {
            calls.add(publish);
            attributes.forEach(publish.attributes()::set);
            return (size, failure) -> calls.add(new Published(size, failure));
        }

        @Override
        public void received(Received received) {
            calls.add(received);
        }

        @Override
        public HandlerObservation handlerStarted(HandlerRun run) {
            calls.add(run);
            return new HandlerObservation() {
                @Override
                public Scope makeCurrent() {
                    return Scope.NONE;
                }

                @Override
                public void end(HandlerOutcome outcome, @Nullable Throwable error) {
                    calls.add(new Ended(run, outcome));
                }
            };
        }

        @Override
        public void deadLettered(DeadLettered deadLettered) {
            calls.add(deadLettered);
        }
    }

    @Nested
    class Threads {

        @Test
        void everyThreadTheBusStartsComesFromItsFactoryAndCarriesHeraldsName() {
            String token = "threads-" + UUID.randomUUID().toString().substring(0, 8);
            Set<Thread> made = ConcurrentHashMap.newKeySet();
            ThreadFactory factory = task -> {
                Thread thread = new Thread(task, "application-thread");
                thread.setDaemon(true);
                made.add(thread);
                return thread;
            };
            EventBus bus = bus(b -> b.source(token).instanceId(token).threadFactory(factory));
            ConcurrentLinkedQueue<Thread> handledOn = new ConcurrentLinkedQueue<>();
            bus.subscribe(Numbered.class, SubscriptionOptions.named(token).withConcurrency(2),
                    e -> handledOn.add(Thread.currentThread()));
            bus.start();

            publishAll(bus, numbered(20));

            eventually().until(() -> handledOn.size() == 20);
            assertThat(handledOn).allSatisfy(thread -> {
                assertThat(made).contains(thread);
                assertThat(thread.getName()).startsWith("herald-" + token + "-");
            });
            Set<Thread> named = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().contains(token)).collect(Collectors.toSet());
            assertThat(named).as("the bus's threads, by name").isNotEmpty()
                    .allSatisfy(thread -> assertThat(made).as(thread.getName()).contains(thread));
            assertThat(made).allSatisfy(thread -> assertThat(thread.getName()).startsWith("herald-"));
            assertAccounted(bus, 20, 1);
        }

        @Test
        void publishersAndHandlersOnVirtualThreadsLoseNothing() throws InterruptedException {
            int java = Runtime.version().feature();
            assumeTrue(java >= 21, "virtual threads need Java 21+: running on " + java);
            ThreadFactory virtual = virtualThreads();
            EventBus bus = bus(b -> b.threadFactory(virtual));
            int publishers = 20;
            int perPublisher = 50;
            Set<String> published = ConcurrentHashMap.newKeySet();
            Set<String> followedUp = ConcurrentHashMap.newKeySet();
            ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            // small queues: publishers and the relaying handler wait for room, on virtual threads
            bus.subscribe(Numbered.class, SubscriptionOptions.named("relay").withConcurrency(4).withQueueCapacity(16), e -> {
                threads.add(Thread.currentThread());
                bus.publish(new OrderPlaced(e.id(), e.payload().seq())).whenComplete((sent, failure) -> {
                    if (failure != null) {
                        failures.add(failure);
                    }
                });
            });
            bus.subscribe(OrderPlaced.class, SubscriptionOptions.named("follow-up").withQueueCapacity(16), e -> {
                threads.add(Thread.currentThread());
                followedUp.add(String.valueOf(e.causationId()));
            });
            bus.start();

            List<Thread> publishing = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                Thread thread = virtual.newThread(() -> {
                    for (int i = 0; i < perPublisher; i++) {
                        try {
                            published.add(bus.publish(new Numbered(publisher, i, null)).join().id());
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                });
                publishing.add(thread);
                thread.start();
            }
            for (Thread thread : publishing) {
                thread.join(patience().toMillis());
            }

            assertThat(publishing).allSatisfy(thread -> assertThat(isVirtual(thread)).isTrue());
            assertThat(failures).isEmpty();
            assertThat(published).hasSize(publishers * perPublisher);
            eventually().until(() -> followedUp.size() == published.size());
            assertThat(followedUp).as("each follow-up names the event its handler relayed").isEqualTo(published);
            assertThat(threads).allSatisfy(thread -> {
                assertThat(isVirtual(thread)).as(thread.getName()).isTrue();
                assertThat(thread.getName()).matches("herald-(relay|follow-up)-\\d+");
            });
            assertThat(failures).isEmpty();
            assertThat(bus.stats().deadLettered()).isZero();
            assertAccounted(bus, publishers * perPublisher, 2);
        }
    }

    /** {@code Thread.ofVirtual().factory()}, called reflectively: the suite compiles on Java 17. */
    private static ThreadFactory virtualThreads() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Java " + Runtime.version().feature() + " should have virtual threads", e);
        }
    }

    private static boolean isVirtual(Thread thread) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException e) {
            return false; // before Java 21 no thread is virtual
        }
    }

    /**
     * Utility for subclasses: all values of a collection of counters.
     *
     * @param counters the counters
     * @return their sum
     */
    protected static long sum(Collection<AtomicInteger> counters) {
        return counters.stream().mapToLong(AtomicInteger::get).sum();
    }
}
