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
import java.util.HashMap;
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
    /** Per type, events counted as missed, late ones included; the net figure is this less {@link #lateByType}. */
    volatile Map<String, Long> missedCountedByType = Map.of();
    volatile Map<String, Long> lateByType = Map.of();
    volatile BusState state = BusState.RUNNING;
    volatile List<ConsumerGroupHealth> groups = List.of();
    volatile boolean up = true;
    volatile LongSupplier dlqSize = () -> 0;
    final AtomicInteger dlqSizeReads = new AtomicInteger();
    final AtomicInteger statsReads = new AtomicInteger();
    final AtomicInteger healthReads = new AtomicInteger();

    static HandlerStats handler(String type, String name, long retried, Map<DeadLetter.Reason, Long> deadLetters,
            int queued) {
        return handler(type, name, retried, deadLetters, 0, queued);
    }

    static HandlerStats handler(String type, String name, long retried, Map<DeadLetter.Reason, Long> deadLetters,
            long voided, int queued) {
        Map<DeadLetter.Reason, Long> all = new EnumMap<>(DeadLetter.Reason.class);
        for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            all.put(reason, deadLetters.getOrDefault(reason, 0L));
        }
        return new HandlerStats(type, name, 0, 0, retried, all, voided, queued);
    }

    @Override
    public BusStats stats() {
        statsReads.incrementAndGet();
        Map<String, Long> counted = missedCountedByType;
        Map<String, Long> late = lateByType;
        Map<String, Long> net = new HashMap<>();
        counted.forEach((type, n) -> net.put(type, n - late.getOrDefault(type, 0L)));
        return new BusStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, handlers, net, counted, late);
    }

    @Override
    public Health health() {
        healthReads.incrementAndGet();
        GroupsHealth transport = new GroupsHealth(up, up ? "ok" : "no heartbeat", groups);
        BusState now = state;
        return new Health(now, up && now == BusState.RUNNING, transport.detail(), transport, handlers.size(), 0, 0);
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
        return state;
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(E event, Metadata metadata) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(String eventType, E event, Metadata metadata) {
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
