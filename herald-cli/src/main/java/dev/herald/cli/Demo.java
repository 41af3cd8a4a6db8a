package dev.herald.cli;

import dev.herald.DeadLetter;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventBusBuilder;
import dev.herald.EventType;
import dev.herald.Metadata;
import dev.herald.RetryPolicy;
import dev.herald.ShutdownReport;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.redis.RedisEventBus;
import dev.herald.redis.RedisTarget;
import dev.herald.testkit.RedisServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@code herald demo}: publishes a few orders through a bus with two handlers, one of which
 * fails for one order, and shows the handling, the retries, the dead letter and the shutdown.
 */
final class Demo {

    /** The demo's own keys and dead letters, apart from a service's. */
    static final String PREFIX = "herald-demo";

    @EventType("order.placed")
    record OrderPlaced(String orderId, long cents) implements DomainEvent {
        @Override
        public String aggregateId() {
            return orderId;
        }
    }

    @EventType("payment.requested")
    record PaymentRequested(String orderId, long cents) implements DomainEvent {
    }

    private final PrintStream out;

    Demo(PrintStream out) {
        this.out = out;
    }

    /** The demo's bus options, on whichever transport. */
    static <B extends EventBusBuilder<B>> B configure(B builder) {
        return builder.source("demo-orders")
                .retry(RetryPolicy.exponential(Duration.ofMillis(20), 2.0, Duration.ofSeconds(1), 3));
    }

    /**
     * What the demo says about its dead letters at the end: a {@code herald dlq} command for each
     * that works as printed, or why there is none.
     *
     * @param dlqOptions what a {@code herald dlq} command needs after the id to reach them, or null
     *     when they are gone with the demo
     * @param note said after each command, or alone when there is none; may be empty
     */
    private record Later(@Nullable String dlqOptions, String note) {
    }

    int runInMemory(int orders) throws InterruptedException {
        out.println("Herald demo on the in-memory transport");
        return run(configure(InMemoryEventBus.builder()).build(), orders, new Later(null, ""));
    }

    /**
     * The demo on a Redis of the user's.
     *
     * @param from where the URI came from: {@code --redis} or {@code HERALD_REDIS_URI}
     * @param timeout how long a publish or a dead-letter access may wait for Redis
     */
    int runOnRedis(RedisTarget redis, String from, Duration timeout, int orders) throws InterruptedException {
        return onRedis(redis, timeout, orders, later(redis, from));
    }

    /**
     * How a {@code herald dlq} command reaches the demo's dead letters: with the URI as given, unless
     * it holds a password, which is never printed: then through {@code $HERALD_REDIS_URI} when the
     * URI came from there, else with the password masked and a note to put it back.
     */
    private static Later later(RedisTarget redis, String from) {
        String prefix = " --prefix " + PREFIX;
        boolean credentials = !RedisTarget.mask(redis.uri()).equals(redis.uri());
        if (!credentials) {
            return new Later(prefix + " --redis " + shellWord(redis.toString()), "");
        }
        return from.equals("HERALD_REDIS_URI") ? new Later(prefix, " (with $HERALD_REDIS_URI set, as for this demo)")
                : new Later(prefix + " --redis " + shellWord(redis.toString()), " (with your password in place of ***)");
    }

    /** A word as a POSIX shell reads it: quoted when it holds anything but plain characters. */
    static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private int onRedis(RedisTarget redis, Duration timeout, int orders, Later later) throws InterruptedException {
        out.println("Herald demo on Redis Pub/Sub at " + redis);
        return RedisFailure.explained(redis, () -> {
            try (RedisEventBus bus = configure(RedisEventBus.builder(redis.uri())).prefix(PREFIX).publishTimeout(timeout).build()) {
                bus.deadLetters().purge(); // the demo's own stream: show only this run's dead letters
                return run(bus, orders, later); // shuts the bus down; closing it again only returns that report
            }
        });
    }

    int runOnThrowAwayRedis(int orders, Duration timeout) throws InterruptedException {
        try (RedisServer redis = RedisServer.start()) {
            out.println("No Redis configured (--redis URI or HERALD_REDIS_URI): started a throw-away redis-server, "
                    + redis.binary() + ", on port " + redis.port());
            return onRedis(RedisTarget.parse(redis.uri()).withTimeout(timeout), timeout, orders, new Later(null,
                    "(the throw-away redis-server stops with the demo, and its dead letters with it: to look at them with"
                    + " herald dlq, run the demo on a Redis of yours, with --redis URI or $HERALD_REDIS_URI)"));
        }
    }

    private int run(EventBus bus, int orders, Later later) throws InterruptedException {
        CountDownLatch payments = new CountDownLatch(orders);
        AtomicInteger confirmations = new AtomicInteger();

        bus.subscribe(OrderPlaced.class, "send-confirmation", e -> {
            if (e.payload().orderId().equals("order-3")) {
                throw new IllegalStateException("mail server refused " + e.payload().orderId());
            }
            confirmations.incrementAndGet();
            out.printf("  send-confirmation  %s (%d cents), correlation %s%n",
                    e.payload().orderId(), e.payload().cents(), e.correlationId());
        });
        bus.subscribe(OrderPlaced.class, "request-payment", e ->
                bus.publish(new PaymentRequested(e.payload().orderId(), e.payload().cents())).join());
        bus.subscribe(PaymentRequested.class, "payments", e -> {
            out.printf("  payments           %s caused by %s, correlation %s%n",
                    e.payload().orderId(), e.causationId(), e.correlationId());
            payments.countDown();
        });
        bus.start();

        for (int i = 1; i <= orders; i++) {
            bus.publish(new OrderPlaced("order-" + i, 1000L * i), Metadata.correlationId("checkout-" + i)).join();
        }
        if (!payments.await(30, TimeUnit.SECONDS)) {
            out.println("payments did not all arrive within 30 s");
        }
        ShutdownReport report = bus.shutdown(Duration.ofSeconds(10));
        out.printf("published %d orders; %d confirmations sent%n", orders, confirmations.get());
        List<DeadLetter> deadLetters = bus.deadLetters().list(100); // readable after shutdown too
        for (DeadLetter d : deadLetters) {
            out.printf("dead letter %s: %s, handler %s, %d attempts: %s%n",
                    d.id(), d.reason(), d.handler(), d.attempts(), d.error());
            if (later.dlqOptions() != null) {
                out.println("  to see it: herald dlq show " + d.id() + later.dlqOptions() + later.note());
            }
        }
        if (!deadLetters.isEmpty() && later.dlqOptions() == null && !later.note().isEmpty()) {
            out.println(later.note());
        }
        out.printf("shutdown: %d handled, %d dead-lettered, %d parked, in time: %s%n",
                report.handled(), report.deadLettered(), report.parked(), report.completedInTime());
        return report.completedInTime() ? 0 : 1;
    }
}
