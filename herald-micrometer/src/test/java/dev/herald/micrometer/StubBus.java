package dev.herald.micrometer;

import dev.herald.BusState;
import dev.herald.BusStats;
import dev.herald.ConsumerGroupHealth;
import dev.herald.DeadLetter;
import dev.herald.DeadLetterQueue;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventHandler;
import dev.herald.HandlerStats;
import dev.herald.Health;
import dev.herald.Metadata;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.TransportHealth;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A bus whose stats, health and dead-letter queue size a test sets, for HeraldMetrics without a
 * transport: it publishes and handles nothing.
 */
final class StubBus implements EventBus {

    volatile List<HandlerStats> handlers = List.of();
    volatile Map<String, Long> missedByType = Map.of();
    volatile List<ConsumerGroupHealth> groups = List.of();
    volatile boolean up = true;
    volatile LongSupplier dlqSize = () -> 0;
    final AtomicInteger dlqSizeReads = new AtomicInteger();

    static HandlerStats handler(String type, String name, long retried, Map<DeadLetter.Reason, Long> deadLetters,
            int queued) {
        Map<DeadLetter.Reason, Long> all = new EnumMap<>(DeadLetter.Reason.class);
        for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            all.put(reason, deadLetters.getOrDefault(reason, 0L));
        }
        return new HandlerStats(type, name, 0, 0, retried, all, 0, queued);
    }

    @Override
    public BusStats stats() {
        return new BusStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, handlers, missedByType, missedByType, Map.of());
    }

    @Override
    public Health health() {
        GroupsHealth transport = new GroupsHealth(up, up ? "ok" : "no heartbeat", groups);
        return new Health(BusState.RUNNING, up, transport.detail(), transport, handlers.size(), 0, 0);
    }

    @Override
    public DeadLetterQueue deadLetters() {
        return new DeadLetterQueue() {
            @Override
            public long size() {
                dlqSizeReads.incrementAndGet();
                return dlqSize.getAsLong();
            }

            @Override
            public List<DeadLetter> list(int limit) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<DeadLetter> get(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public CompletableFuture<Void> replay(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean delete(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public long purge() {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Override
    public BusState state() {
        return BusState.RUNNING;
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(E event, Metadata metadata) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <E> Subscription subscribe(Class<E> eventClass, SubscriptionOptions options, EventHandler<E> handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription subscribe(String eventType, SubscriptionOptions options, EventHandler<Object> handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void start() {
    }

    @Override
    public ShutdownReport shutdown() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ShutdownReport shutdown(Duration timeout) {
        throw new UnsupportedOperationException();
    }

    /** A transport's health with consumer groups, as the Streams transport reports it. */
    record GroupsHealth(boolean up, String detail, List<ConsumerGroupHealth> groups) implements TransportHealth {
    }
}
