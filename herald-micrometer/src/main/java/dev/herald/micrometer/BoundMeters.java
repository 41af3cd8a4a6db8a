package dev.herald.micrometer;

import dev.herald.BusState;
import dev.herald.BusStats;
import dev.herald.ConsumerGroupHealth;
import dev.herald.DeadLetter;
import dev.herald.EventBus;
import dev.herald.HandlerStats;
import dev.herald.Health;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * meters, the dead-letter queue's size as last read, and the last snapshot of the bus's stats and
 * health, which every meter read within {@link #SNAPSHOT_MAX_AGE} shares while the bus's state is
 * the same (a scrape takes one snapshot, not one per meter). Thread-safe: meters are read from any thread, at most one refresh
 * runs at a time.
 *
 * <p>Micrometer holds each meter's object (the bus) weakly, but each meter's function holds this
 * object, and this object the bus: the registry keeps the bus reachable as long as it keeps its
 * meters. Once the bus is {@link BusState#TERMINATED}, refreshes read nothing more from it.
 */
final class BoundMeters {

    private static final Logger log = LoggerFactory.getLogger(BoundMeters.class);
    /** How long, at most, meters read one snapshot of the bus's stats and health (less if the refresh interval is). */
    static final Duration SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

    private final EventBus bus;
    private final MeterRegistry registry;
    private final Tags tags;
    private final long refreshNanos;
    private final long snapshotNanos;
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
    private volatile @Nullable Snapshot snapshot;

    BoundMeters(EventBus bus, MeterRegistry registry, Tags tags, Duration refreshInterval, Executor executor) {
        this.bus = bus;
        this.registry = registry;
        this.tags = tags;
        this.refreshNanos = refreshInterval.toNanos();
        this.snapshotNanos = Math.min(refreshNanos, SNAPSHOT_MAX_AGE.toNanos());
        this.executor = executor;
        this.clock = registry.config().clock();
    }

    static void runOnThreadOfItsOwn(Runnable task) {
        Thread thread = new Thread(task, "herald-metrics-refresh");
        thread.setDaemon(true);
        thread.start();
    }

    void bind() {
        Gauge.builder("herald.health", bus, b -> read(() -> snapshot().health.up() ? 1 : 0))
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

    /**
     * The bus's stats and health as of at most {@link #snapshotNanos} ago, and taken in the bus's
     * present state: a bus shut down shows it at once.
     */
    private Snapshot snapshot() {
        long now = clock.monotonicTime();
        Snapshot last = snapshot;
        if (last != null && now - last.takenNanos < snapshotNanos && last.health.state() == bus.state()) {
            return last;
        }
        Snapshot taken = new Snapshot(now, bus.stats(), bus.health());
        snapshot = taken;
        return taken;
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
            if (bus.state() == BusState.TERMINATED) {
                return; // nothing new will appear, and the dead-letter queue keeps its last count
            }
            addMeters();
            dlqSize = bus.deadLetters().size();
            dlqSizeFailing = false;
        } catch (RuntimeException e) {
            if (bus.state() != BusState.RUNNING) {
                // a bus not started yet, or one whose start failed or that shut down meanwhile, has
                // its store closed or not yet open: nothing to warn about, the bus says why it stopped
                log.debug("herald metrics: dead-letter count not read from a bus {}: {}", bus.state(), e.toString());
            } else if (!dlqSizeFailing) { // once until it works again: the store may stay unreachable for long
                log.warn("herald metrics: cannot read the dead-letter count, herald.dlq.size keeps {}: {}", dlqSize,
                        e.toString());
                dlqSizeFailing = true;
            }
        } finally {
            refreshing.set(false);
        }
    }

    /** Registers the meters of handlers, types and groups that have none yet. */
    private void addMeters() {
        Snapshot now = snapshot();
        for (HandlerStats handler : now.stats.handlers()) {
            if (handlers.add(List.of(handler.eventType(), handler.handlerName()))) {
                addHandler(new HandlerView(handler));
            }
            addType(handler.eventType());
        }
        now.stats.missedCountedByType().keySet().forEach(this::addType);
        for (ConsumerGroupHealth group : now.health.groups()) {
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
                    .description("Events that became dead letters for a handler, by reason; voided ones included")
                    .baseUnit("letters")
                    .tags(handlerTags.and("reason", reason.name()))
                    .register(registry);
        }
        FunctionCounter.builder("herald.dead.letters.voided", bus, b -> read(() -> view.count(HandlerStats::voided)))
                .description("SHUTDOWN dead letters of a handler voided: it finished the event after the deadline parked it")
                .tags(handlerTags)
                .register(registry);
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
        Tags typeTags = tags.and("type", type);
        FunctionCounter.builder("herald.missed", bus,
                        b -> read(() -> snapshot().stats.missedCountedByType().getOrDefault(type, 0L)))
                .description("Events of a type that a Pub/Sub subscriber counted as missed (published while it was"
                        + " disconnected or cut off); late arrivals included")
                .baseUnit("events")
                .tags(typeTags)
                .register(registry);
        FunctionCounter.builder("herald.missed.late", bus,
                        b -> read(() -> snapshot().stats.lateArrivalsByType().getOrDefault(type, 0L)))
                .description("Events of a type counted as missed that arrived late after all, and were delivered")
                .baseUnit("events")
                .tags(typeTags)
                .register(registry);
    }

    private void addGroup(String type, String group) {
        Tags groupTags = tags.and("type", type, "group", group);
        Gauge.builder("herald.stream.lag", bus, b -> read(() -> groupValue(type, group, ConsumerGroupHealth::lag)))
                .description("Stream entries a consumer group has not read yet")
                .baseUnit("entries")
                .tags(groupTags)
                .register(registry);
        Gauge.builder("herald.stream.pending", bus,
                        b -> read(() -> groupValue(type, group, ConsumerGroupHealth::pending)))
                .description("Stream entries a consumer group has read and not acknowledged yet")
                .baseUnit("entries")
                .tags(groupTags)
                .register(registry);
    }

    private double groupValue(String type, String group, Function<ConsumerGroupHealth, OptionalLong> value) {
        for (ConsumerGroupHealth health : snapshot().health.groups()) {
            if (health.eventType().equals(type) && health.group().equals(group)) {
                OptionalLong v = value.apply(health);
                return v.isPresent() ? v.getAsLong() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** The bus's stats and health at one moment, its handlers by type and name. */
    private static final class Snapshot {
        final long takenNanos;
        final BusStats stats;
        final Health health;
        final Map<List<String>, HandlerStats> handlers;

        Snapshot(long takenNanos, BusStats stats, Health health) {
            this.takenNanos = takenNanos;
            this.stats = stats;
            this.health = health;
            this.handlers = new HashMap<>();
            for (HandlerStats handler : stats.handlers()) {
                handlers.put(List.of(handler.eventType(), handler.handlerName()), handler);
            }
        }
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
            HandlerStats handler = snapshot().handlers.get(List.of(type, name));
            if (handler != null) {
                last = handler;
            }
            return handler;
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
