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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    int runInMemory(int orders) throws InterruptedException {
        out.println("Herald demo on the in-memory transport");
        return run(configure(InMemoryEventBus.builder()).build(), orders);
    }

    /**
     * The demo on a Redis.
     *
     * @param timeout how long a publish or a dead-letter access may wait for Redis
     */
    int runOnRedis(RedisTarget redis, Duration timeout, int orders) throws InterruptedException {
        out.println("Herald demo on Redis Pub/Sub at " + redis);
        return RedisFailure.explained(redis, () -> {
            try (RedisEventBus bus = configure(RedisEventBus.builder(redis.uri())).prefix(PREFIX).publishTimeout(timeout).build()) {
                bus.deadLetters().purge(); // the demo's own stream: show only this run's dead letters
                return run(bus, orders); // shuts the bus down; closing it again only returns that report
            }
        });
    }

    int runOnThrowAwayRedis(int orders, Duration timeout) throws InterruptedException {
        try (RedisServer redis = RedisServer.start()) {
            out.println("No Redis configured (--redis URI or HERALD_REDIS_URI): started a throw-away redis-server, "
                    + redis.binary() + ", on port " + redis.port());
            return runOnRedis(RedisTarget.parse(redis.uri()).withTimeout(timeout), timeout, orders);
        }
    }

    private int run(EventBus bus, int orders) throws InterruptedException {
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
        for (DeadLetter d : bus.deadLetters().list(100)) { // readable after shutdown too
            out.printf("dead letter %s: %s, handler %s, %d attempts: %s%n",
                    d.id(), d.reason(), d.handler(), d.attempts(), d.error());
            out.printf("  (the demo keeps its dead letters under the prefix %s: herald dlq show %s --prefix %s)%n",
                    PREFIX, d.id(), PREFIX);
        }
        out.printf("shutdown: %d handled, %d dead-lettered, %d parked, in time: %s%n",
                report.handled(), report.deadLettered(), report.parked(), report.completedInTime());
        return report.completedInTime() ? 0 : 1;
    }
}
