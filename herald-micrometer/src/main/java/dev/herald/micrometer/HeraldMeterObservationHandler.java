package dev.herald.micrometer;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Makes Herald's observations ({@code herald.publish}, {@code herald.process}) timers, as
 * Micrometer's {@link DefaultMeterObservationHandler} does, at a fraction of its cost per event:
 * the same timers (named as the observation, tagged with its low-cardinality key values and
 * {@code error}, the simple class name of what was thrown or {@code none}), each looked up once
 * per set of tags and kept, and no long-task timers ({@code herald.publish.active},
 * {@code herald.process.active}). It supports only Herald's contexts: put it before Micrometer's
 * meter handler in a {@link io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler},
 * so that every other observation keeps its meters:
 *
 * <pre>{@code
 * observationRegistry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
 *         new HeraldMeterObservationHandler(meterRegistry),     // Herald's observations
 *         new DefaultMeterObservationHandler(meterRegistry)));  // every other one
 * }</pre>
 *
 * <p>Beside Micrometer's handler but outside such a group, both would time Herald's observations
 * into the same timers, counting each twice. Spring Boot's meter handlers form such a group;
 * herald-spring-boot puts this handler first in it. Timers are kept for at most
 * {@value #MAX_TIMERS} sets of tags (further ones are looked up at each stop); a timer removed from
 * the registry is forgotten and registered again at the next stop. A {@code MeterFilter} added to
 * the registry after a timer was kept does not apply to it (Micrometer's handler, which registers
 * at each stop, would see it): configure the registry's filters before events flow. One handler per
 * registry: it listens to the registry's meter removals for the registry's lifetime. Thread-safe.
 */
public final class HeraldMeterObservationHandler implements MeterObservationHandler<Observation.Context> {

    /** Sets of tags (observation, key values, error) whose timers are kept. */
    static final int MAX_TIMERS = 4096;

    private final MeterRegistry registry;
    private final Clock clock;
    private final CappedCache<TimerKey, Timer> timers = new CappedCache<>(MAX_TIMERS);

    /**
     * A handler that records in a registry.
     *
     * @param registry where the timers are
     */
    public HeraldMeterObservationHandler(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = registry.config().clock();
        registry.config().onMeterRemoved(timers::forget);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof HeraldPublishContext || context instanceof HeraldProcessContext;
    }

    @Override
    public void onStart(Observation.Context context) {
        long now = clock.monotonicTime();
        if (context instanceof HeraldPublishContext publish) {
            publish.timerStartedAt = now;
        } else if (context instanceof HeraldProcessContext process) {
            process.timerStartedAt = now;
        }
    }

    @Override
    public void onStop(Observation.Context context) {
        long startedAt;
        if (context instanceof HeraldPublishContext publish) {
            startedAt = publish.timerStartedAt;
        } else if (context instanceof HeraldProcessContext process) {
            startedAt = process.timerStartedAt;
        } else {
            return; // an observation filter replaced Herald's context: nothing says when it started
        }
        long nanos = clock.monotonicTime() - startedAt;
        String name = context.getName();
        if (name == null) {
            return; // Herald's conventions name every observation; one that did not cannot be a timer
        }
        Throwable error = context.getError();
        TimerKey key = new TimerKey(name, context.getLowCardinalityKeyValues(),
                error == null ? "none" : error.getClass().getSimpleName());
        timers.get(key, registry, HeraldMeterObservationHandler::register).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
        Counter.builder(context.getName() + "." + event.getName())
                .tags(tags(context.getLowCardinalityKeyValues()))
                .register(registry)
                .increment();
    }

    @Override
    public String toString() {
        return "HeraldMeterObservationHandler[" + registry + "]";
    }

    private static Timer register(MeterRegistry registry, TimerKey key) {
        return Timer.builder(key.name())
                .description(description(key.name()))
                .tags(tags(key.keyValues()).and("error", key.error()))
                .register(registry);
    }

    /** What a timer of Herald's observations measures, for a registry's help text ({@code null} for another name). */
    private static @Nullable String description(String name) {
        return switch (name) {
            case DefaultHeraldPublishObservationConvention.NAME ->
                    "Publishes, from the call until the transport accepted the event or the publish failed";
            case DefaultHeraldProcessObservationConvention.NAME -> "Handler runs, one per attempt, by what became of the event";
            default -> null;
        };
    }

    private static Tags tags(KeyValues keyValues) {
        List<Tag> tags = new ArrayList<>();
        for (KeyValue keyValue : keyValues) {
            tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
        }
        return Tags.of(tags);
    }

    /**
     * One timer's identity. {@code equals} and {@code hashCode} written out, as in the conventions'
     * keys: a record's generated ones go through method handles.
     */
    private record TimerKey(String name, KeyValues keyValues, String error) {
        @Override
        public boolean equals(Object o) {
            return o instanceof TimerKey k && keyValues.equals(k.keyValues) && error.equals(k.error)
                    && name.equals(k.name);
        }

        @Override
        public int hashCode() {
            return (31 * name.hashCode() + keyValues.hashCode()) * 31 + error.hashCode();
        }
    }
}
