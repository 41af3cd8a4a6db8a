package dev.herald.micrometer;

import dev.herald.EventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Binds a bus's counters, backlog and health as Micrometer meters, read from
 * {@link EventBus#stats()}, {@link EventBus#health()} and {@link EventBus#deadLetters()}:
 *
 * <ul>
 *   <li>counters, which only rise: {@code herald.retries} (tags {@code type}, {@code handler}),
 *       {@code herald.dead.letters} ({@code type}, {@code handler}, {@code reason}: one per
 *       {@link dev.herald.DeadLetter.Reason}, as written in dead letters), {@code herald.dead.letters.voided}
 *       ({@code type}, {@code handler}: {@code SHUTDOWN} dead letters voided as the handler finished the
 *       event late), {@code herald.missed} ({@code type}: events a Pub/Sub subscriber counted as missed)
 *       and {@code herald.missed.late} ({@code type}: those of them that arrived late after all);
 *   <li>gauges {@code herald.queue.size} ({@code type}, {@code handler}), {@code herald.stream.lag} and
 *       {@code herald.stream.pending} ({@code type}, {@code group}; Streams mode), {@code herald.dlq.size}
 *       and {@code herald.health} (1 up, 0 down).
 * </ul>
 *
 * <pre>{@code
 * HeraldMetrics.bind(bus, meterRegistry);
 * }</pre>
 *
 * <p>Handlers, types and consumer groups that appear after binding get their meters at the next
 * refresh: at most every {@link Builder#refreshInterval refresh interval} (default 5 s), started by a
 * read of any of these meters (a scrape), and run off the reading thread. The same refresh reads
 * {@code deadLetters().size()}, which may ask Redis: {@code herald.dlq.size} shows the last value
 * read (NaN until the first read ended; when a read fails, a warning once and the last value
 * stays), so a scrape never waits for Redis; once the bus is terminated, refreshes read nothing
 * more and {@code herald.dlq.size} keeps its last value. Every other value comes from one snapshot of
 * {@link EventBus#stats()} and {@link EventBus#health()} (no I/O), taken when a meter is read and
 * shared by the reads of the next second (or refresh interval, if shorter) while the bus's state
 * stays the same: a scrape takes one snapshot, and shows values at most that old. Herald's buses keep a cancelled handler in their
 * stats, so its meters stay: its counts, and its {@code herald.queue.size} as what is left in its
 * queue. (For a bus that drops a handler from its stats, its counters keep their last values and its
 * {@code herald.queue.size} is NaN.)
 *
 * <p>The registry keeps the bus reachable as long as it keeps these meters.
 *
 * <p>Immutable; {@link #bindTo} may be called for several registries.
 */
public final class HeraldMetrics implements MeterBinder {

    /** How often, at most, new meters are looked for and the dead-letter queue's size is read, by default. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(5);

    private final EventBus bus;
    private final Tags tags;
    private final Duration refreshInterval;
    private final Executor executor;

    private HeraldMetrics(Builder builder) {
        this.bus = builder.bus;
        this.tags = builder.tags;
        this.refreshInterval = builder.refreshInterval;
        this.executor = builder.executor;
    }

    /**
     * Binds the bus's meters, with the defaults, to a registry.
     *
     * @param bus the bus
     * @param registry the registry
     * @return the binder, bound
     */
    public static HeraldMetrics bind(EventBus bus, MeterRegistry registry) {
        HeraldMetrics metrics = of(bus);
        metrics.bindTo(registry);
        return metrics;
    }

    /**
     * A binder with the defaults.
     *
     * @param bus the bus
     * @return the binder, not bound yet
     */
    public static HeraldMetrics of(EventBus bus) {
        return builder(bus).build();
    }

    /**
     * A builder, to add tags or change the refresh.
     *
     * @param bus the bus
     * @return a builder
     */
    public static Builder builder(EventBus bus) {
        return new Builder(bus);
    }

    /**
     * Registers the meters of the bus's handlers, types and groups known now, and starts the first
     * refresh (off this thread).
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        new BoundMeters(bus, registry, tags, refreshInterval, executor).bind();
    }

    @Override
    public String toString() {
        return "HeraldMetrics[" + bus + ", tags " + tags + ", refresh " + refreshInterval + "]";
    }

    /** Sets up {@link HeraldMetrics}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private final EventBus bus;
        private Tags tags = Tags.empty();
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Executor executor = BoundMeters::runOnThreadOfItsOwn;

        private Builder(EventBus bus) {
            this.bus = Objects.requireNonNull(bus, "bus");
        }

        /**
         * Tags added to every meter, such as the bus's name where one registry has several buses.
         *
         * @param tags the tags
         * @return this builder
         */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /**
         * How often, at most, meters are added for handlers, types and groups that appeared, and the
         * dead-letter queue's size is read; a refresh starts when a meter is read once this time has
         * passed since the last one started. Default {@link #DEFAULT_REFRESH_INTERVAL}.
         *
         * @param interval positive
         * @return this builder
         * @throws IllegalArgumentException naming a zero or negative interval
         */
        public Builder refreshInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("refreshInterval must be positive: " + interval);
            }
            this.refreshInterval = interval;
            return this;
        }

        /**
         * Where refreshes run; one may wait on the dead-letter store (Redis). By default each runs on
         * a daemon thread of its own; at most one runs at a time per registry.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The binder.
         *
         * @return a new binder with these settings, not bound yet
         */
        public HeraldMetrics build() {
            return new HeraldMetrics(this);
        }
    }
}
