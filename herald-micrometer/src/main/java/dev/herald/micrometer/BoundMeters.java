package dev.herald.micrometer;

import dev.herald.BusStats;
import dev.herald.ConsumerGroupHealth;
import dev.herald.DeadLetter;
import dev.herald.EventBus;
import dev.herald.HandlerStats;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of one bus in one registry, with their refresh: which handlers, types and groups have
 * meters, and the dead-letter queue's size as last read. Thread-safe: meters are read from any
 * thread, at most one refresh runs at a time.
 *
 * <p>Each meter holds the bus weakly (Micrometer's rule) and this object through its function.
 */
final class BoundMeters {

    private static final Logger log = LoggerFactory.getLogger(BoundMeters.class);

    private final EventBus bus;
    private final MeterRegistry registry;
    private final Tags tags;
    private final long refreshNanos;
    private final Executor executor;
    private final Clock clock;

    private final Set<List<String>> handlers = ConcurrentHashMap.newKeySet();
    private final Set<String> types = ConcurrentHashMap.newKeySet();
    private final Set<List<String>> groups = ConcurrentHashMap.newKeySet();

    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile boolean refreshed;
    private volatile long lastRefreshStart;
    private volatile double dlqSize = Double.NaN;
    private volatile boolean dlqSizeFailing;

    BoundMeters(EventBus bus, MeterRegistry registry, Tags tags, Duration refreshInterval, Executor executor) {
        this.bus = bus;
        this.registry = registry;
        this.tags = tags;
        this.refreshNanos = refreshInterval.toNanos();
        this.executor = executor;
        this.clock = registry.config().clock();
    }

    static void runOnThreadOfItsOwn(Runnable task) {
        Thread thread = new Thread(task, "herald-metrics-refresh");
        thread.setDaemon(true);
        thread.start();
    }

    void bind() {
        Gauge.builder("herald.health", bus, b -> read(() -> b.health().up() ? 1 : 0))
                .description("1 while the bus is up (running, its transport working end to end), else 0")
                .tags(tags)
                .register(registry);
        Gauge.builder("herald.dlq.size", bus, b -> read(() -> dlqSize))
                .description("Dead letters in the bus's dead-letter queue, as last read (at most every refresh interval)")
                .baseUnit("letters")
                .tags(tags)
                .register(registry);
        addMeters();
        refreshIfDue();
    }

    /** A meter's value, starting a refresh if one is due. */
    private double read(DoubleSupplier value) {
        refreshIfDue();
        return value.getAsDouble();
    }

    private void refreshIfDue() {
        long now = clock.monotonicTime();
        boolean due = !refreshed || now - lastRefreshStart >= refreshNanos;
        if (!due || !refreshing.compareAndSet(false, true)) {
            return; // not yet, or one is running
        }
        lastRefreshStart = now;
        refreshed = true;
        try {
            executor.execute(this::refresh);
        } catch (RejectedExecutionException e) {
            refreshing.set(false);
            log.debug("herald metrics refresh not started: {}", e.toString());
        }
    }

    private void refresh() {
        try {
            addMeters();
            dlqSize = bus.deadLetters().size();
            dlqSizeFailing = false;
        } catch (RuntimeException e) {
            if (!dlqSizeFailing) { // once until it works again: the store may stay unreachable for long
                log.warn("herald metrics: cannot read the dead-letter count, herald.dlq.size keeps {}: {}", dlqSize,
                        e.toString());
            }
            dlqSizeFailing = true;
        } finally {
            refreshing.set(false);
        }
    }

    /** Registers the meters of handlers, types and groups that have none yet. */
    private void addMeters() {
        BusStats stats = bus.stats();
        for (HandlerStats handler : stats.handlers()) {
            if (handlers.add(List.of(handler.eventType(), handler.handlerName()))) {
                addHandler(new HandlerView(handler));
            }
            addType(handler.eventType());
        }
        stats.missedByType().keySet().forEach(this::addType);
        for (ConsumerGroupHealth group : bus.health().groups()) {
            if (groups.add(List.of(group.eventType(), group.group()))) {
                addGroup(group.eventType(), group.group());
            }
        }
    }

    private void addHandler(HandlerView view) {
        Tags handlerTags = tags.and("type", view.type, "handler", view.name);
        FunctionCounter.builder("herald.retries", bus, b -> read(() -> view.count(HandlerStats::retried)))
                .description("Calls of a handler after its first for an event (retries)")
                .baseUnit("retries")
                .tags(handlerTags)
                .register(registry);
        for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            FunctionCounter.builder("herald.dead.letters", bus,
                            b -> read(() -> view.count(h -> h.deadLetters().getOrDefault(reason, 0L))))
                    .description("Events that became dead letters for a handler, by reason")
                    .baseUnit("letters")
                    .tags(handlerTags.and("reason", reason.name()))
                    .register(registry);
        }
        Gauge.builder("herald.queue.size", bus, b -> read(view::queued))
                .description("Messages in a handler's queue, received and not yet handled")
                .baseUnit("messages")
                .tags(handlerTags)
                .register(registry);
    }

    private void addType(String type) {
        if (!types.add(type)) {
            return;
        }
        FunctionCounter.builder("herald.missed", bus, b -> read(() -> b.stats().missedByType().getOrDefault(type, 0L)))
                .description("Events of a type that a Pub/Sub subscriber missed (published while it was disconnected or cut off)")
                .baseUnit("events")
                .tags(tags.and("type", type))
                .register(registry);
    }

    private void addGroup(String type, String group) {
        Tags groupTags = tags.and("type", type, "group", group);
        Gauge.builder("herald.stream.lag", bus, b -> read(() -> groupValue(b, type, group, ConsumerGroupHealth::lag)))
                .description("Stream entries a consumer group has not read yet")
                .baseUnit("entries")
                .tags(groupTags)
                .register(registry);
        Gauge.builder("herald.stream.pending", bus,
                        b -> read(() -> groupValue(b, type, group, ConsumerGroupHealth::pending)))
                .description("Stream entries a consumer group has read and not acknowledged yet")
                .baseUnit("entries")
                .tags(groupTags)
                .register(registry);
    }

    private static double groupValue(EventBus bus, String type, String group,
            Function<ConsumerGroupHealth, OptionalLong> value) {
        for (ConsumerGroupHealth health : bus.health().groups()) {
            if (health.eventType().equals(type) && health.group().equals(group)) {
                OptionalLong v = value.apply(health);
                return v.isPresent() ? v.getAsLong() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** One handler's stats, as now, or as last seen once it is gone. */
    private final class HandlerView {
        final String type;
        final String name;
        private volatile HandlerStats last;

        HandlerView(HandlerStats first) {
            this.type = first.eventType();
            this.name = first.handlerName();
            this.last = first;
        }

        private @Nullable HandlerStats now() {
            for (HandlerStats handler : bus.stats().handlers()) {
                if (handler.eventType().equals(type) && handler.handlerName().equals(name)) {
                    last = handler;
                    return handler;
                }
            }
            return null;
        }

        double count(ToLongFunction<HandlerStats> counter) {
            HandlerStats now = now();
            return counter.applyAsLong(now != null ? now : last);
        }

        double queued() {
            HandlerStats now = now();
            return now != null ? now.queued() : Double.NaN;
        }
    }
}
