package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.testkit.RedisServer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisStreamCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What herald-redis's integration tests share: events numbered 0, 1, 2... published all at once
 * ({@link #publishAll}) or on a thread of their own while a fault is made ({@link Publishing}),
 * their numbers read back from a stream ({@link #numbersIn}), a one-off connection to one
 * server ({@link #withConnection}), and a bus's round trip on its connections ({@link #roundTrip}). The events are the tests' own: each names how to make the
 * event numbered {@code n}, whose JSON holds it as {@code "n":<number>}.
 */
final class RedisTestSupport {

    private static final Pattern NUMBER = Pattern.compile("\"n\":(\\d+)");
    private static final int PAGE = 5000;

    private RedisTestSupport() {
    }

    /** The event of the connection tests' round trips. */
    @EventType("it.secured")
    record Secured(String value) implements DomainEvent {
    }

    /**
     * Starts the bus and publishes, handles, and dead-letters one {@link Secured} event: the bus
     * works on its connections. Build the bus with {@code RetryPolicy.none()}.
     */
    static void roundTrip(EventBus bus) {
        ConcurrentLinkedQueue<Envelope<Secured>> got = new ConcurrentLinkedQueue<>();
        bus.subscribe(Secured.class, "ok", got::add);
        bus.subscribe(Secured.class, "fails", e -> {
            throw new IllegalStateException("to the dead letters");
        });
        bus.start();
        bus.publish(new Secured("hello")).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1 && bus.deadLetters().size() == 1);
        assertThat(got.peek().payload().value()).isEqualTo("hello");
        assertThat(bus.deadLetters().list(1)).extracting(DeadLetter::handler).containsExactly("fails");
    }

    /** Publishes the events numbered {@code from} to {@code from + count - 1} at once, and waits until every publish completed. */
    static void publishAll(EventBus bus, int from, int count, IntFunction<? extends DomainEvent> event) {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            futures.add(bus.publish(event.apply(n)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }

    /** The number of the event a stream entry holds; fails if it holds none. */
    static int number(StreamMessage<String, String> entry) {
        Matcher m = NUMBER.matcher(String.valueOf(entry.getBody().get(RedisKeys.STREAM_FIELD)));
        assertThat(m.find()).as("entry %s holds a numbered event: %s", entry.getId(), entry.getBody()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The number of the event of each entry of a stream, in order, duplicates kept; read in pages. */
    static List<Integer> numbersIn(RedisStreamCommands<String, String> redis, String stream) {
        List<Integer> numbers = new ArrayList<>();
        String after = "-";
        while (true) {
            List<StreamMessage<String, String>> page = redis.xrange(stream, Range.create(after, "+"), Limit.from(PAGE));
            for (StreamMessage<String, String> entry : page) {
                numbers.add(number(entry));
            }
            if (page.size() < PAGE) {
                return numbers;
            }
            after = "(" + page.get(page.size() - 1).getId();
        }
    }

    /** Runs {@code work} on a connection of its own to one server (its {@link RedisServer#uri()}), closed after. */
    static <T> T withConnection(RedisServer server, Function<StatefulRedisConnection<String, String>, T> work) {
        return withConnection(server.uri(), work);
    }

    /** Runs {@code work} on a connection of its own to the server at {@code uri}, closed after. */
    static <T> T withConnection(String uri, Function<StatefulRedisConnection<String, String>, T> work) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return work.apply(c);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * Publishes events numbered 0, 1, 2... on a thread of its own until stopped, at a given pace
     * and with at most a given number unanswered, and records which publishes completed and which
     * failed, so that a fault test can count. Thread-safe.
     */
    static final class Publishing implements AutoCloseable {

        private final Set<Integer> acked = ConcurrentHashMap.newKeySet();
        private final Set<Integer> failed = ConcurrentHashMap.newKeySet();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicInteger next = new AtomicInteger();
        private final int maxUnanswered;
        private final Semaphore room;
        private final Thread thread;
        private volatile boolean stopped;

        private Publishing(EventBus bus, IntFunction<? extends DomainEvent> event, int maxUnanswered, Duration pause) {
            this.maxUnanswered = maxUnanswered;
            this.room = new Semaphore(maxUnanswered);
            this.thread = new Thread(() -> {
                long owedNanos = 0;
                try {
                    while (!stopped) {
                        if (!room.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        int n = next.getAndIncrement();
                        bus.publish(event.apply(n)).whenComplete((published, failure) -> {
                            if (failure == null) {
                                acked.add(n);
                            } else {
                                failed.add(n);
                                failures.add(String.valueOf(rootOf(failure).getMessage()));
                            }
                            room.release();
                        });
                        owedNanos += pause.toNanos();
                        if (owedNanos >= TimeUnit.MILLISECONDS.toNanos(1)) { // sleeps in whole milliseconds
                            long millis = TimeUnit.NANOSECONDS.toMillis(owedNanos);
                            Thread.sleep(millis);
                            owedNanos -= TimeUnit.MILLISECONDS.toNanos(millis);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "test-publisher");
        }

        /**
         * Starts publishing.
         *
         * @param event makes the event numbered {@code n}
         * @param maxUnanswered how many publishes may wait for their answer at most
         * @param pause how long to wait after each publish, on average: {@code 500 µs} is about
         *     two publishes a millisecond; zero publishes as fast as answers allow
         */
        static Publishing start(EventBus bus, IntFunction<? extends DomainEvent> event, int maxUnanswered, Duration pause) {
            Publishing publishing = new Publishing(bus, event, maxUnanswered, pause);
            publishing.thread.start();
            return publishing;
        }

        /** One every 2 ms, with no bound on the publishes unanswered: a steady flow through a fault. */
        static Publishing steadily(EventBus bus, IntFunction<? extends DomainEvent> event) {
            return start(bus, event, Integer.MAX_VALUE, Duration.ofMillis(2));
        }

        /** How many publishes were sent so far: the next event's number. */
        int sent() {
            return next.get();
        }

        /** The numbers of the publishes that completed, a live view. */
        Set<Integer> acked() {
            return Collections.unmodifiableSet(acked);
        }

        /** The numbers of the publishes that failed, a live view. */
        Set<Integer> failed() {
            return Collections.unmodifiableSet(failed);
        }

        /** Why each failed publish failed, in the order they failed. */
        Queue<String> failures() {
            return failures;
        }

        /** The first failure, for messages; "none" if there is none. */
        String firstFailure() {
            String first = failures.peek();
            return first != null ? first : "none";
        }

        /** How many publishes were sent and not answered yet. */
        int unanswered() {
            return maxUnanswered - room.availablePermits();
        }

        /** The completed publishes numbered from {@code first} on. */
        Set<Integer> ackedFrom(int first) {
            Set<Integer> from = new TreeSet<>();
            for (int n : acked) {
                if (n >= first) {
                    from.add(n);
                }
            }
            return from;
        }

        /** Of the events handled, those whose publish was never sent: none should be. */
        Set<Integer> neverPublished(Set<Integer> handled) {
            Set<Integer> phantoms = new TreeSet<>(handled);
            phantoms.removeAll(acked);
            phantoms.removeAll(failed);
            return phantoms;
        }

        /** Stops publishing and waits until every publish sent was answered (each fails by its timeout at the latest). */
        void stopAndAwait() throws InterruptedException {
            close();
            assertThat(room.tryAcquire(maxUnanswered, 60, TimeUnit.SECONDS)).as("every publish answered").isTrue();
            room.release(maxUnanswered);
            assertThat(acked.size() + failed.size()).isEqualTo(next.get());
        }

        /** Stops publishing; does not wait for the answers. */
        @Override
        public void close() throws InterruptedException {
            stopped = true;
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        private static Throwable rootOf(Throwable failure) {
            Throwable t = failure;
            while (t.getCause() != null && !(t instanceof RedisPublishException)) {
                t = t.getCause();
            }
            return t;
        }
    }
}
