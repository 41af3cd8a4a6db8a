package dev.herald.micrometer;

import dev.herald.spi.BusObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BusObserver} that makes Micrometer observations of a bus: {@code herald.publish} for
 * each publish and {@code herald.process} for each handler run (each attempt), named and tagged by
 * {@link DefaultHeraldPublishObservationConvention} and {@link DefaultHeraldProcessObservationConvention}.
 * With a meter handler ({@link HeraldMeterObservationHandler} first, Micrometer's
 * {@code DefaultMeterObservationHandler} after it) they become timers of those names; with
 * a tracing bridge (such as {@code micrometer-tracing-bridge-otel}) they become spans
 * {@code send <type>} and {@code process <type>}, the trace context travelling in the event as
 * CloudEvents extension attributes ({@code traceparent}, {@code tracestate}).
 *
 * <pre>{@code
 * EventBus bus = RedisEventBus.builder(client)
 *         .observer(MicrometerObserver.of(observationRegistry))
 *         .build();
 * }</pre>
 *
 * <p>While a handler runs, its {@code herald.process} observation is current on the handler's
 * thread, so what the handler observes, and what it publishes, nests under it. With a no-op
 * registry it does nothing and costs nothing beyond a check. Thread-safe and immutable.
 */
public final class MicrometerObserver implements BusObserver {

    private final ObservationRegistry registry;
    private final @Nullable HeraldPublishObservationConvention publishConvention;
    private final @Nullable HeraldProcessObservationConvention processConvention;

    private MicrometerObserver(Builder builder) {
        this.registry = builder.registry;
        this.publishConvention = builder.publishConvention;
        this.processConvention = builder.processConvention;
    }

    /**
     * An observer with the default conventions (or the registry's global ones for Herald's contexts).
     *
     * @param registry where the observations go
     * @return the observer
     */
    public static MicrometerObserver of(ObservationRegistry registry) {
        return builder(registry).build();
    }

    /**
     * A builder, to set the conventions.
     *
     * @param registry where the observations go
     * @return a builder
     */
    public static Builder builder(ObservationRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public PublishObservation publishStarted(Publish publish) {
        if (registry.isNoop()) {
            return PublishObservation.NONE;
        }
        HeraldPublishContext context = new HeraldPublishContext(publish);
        // a tracing handler writes the trace context into the event's attributes as it starts
        Observation observation = started(publishConvention, DefaultHeraldPublishObservationConvention.INSTANCE, context);
        if (observation == null) {
            return PublishObservation.NONE;
        }
        return (sizeBytes, failure) -> {
            context.ended(sizeBytes);
            if (failure != null) {
                observation.error(failure);
            }
            observation.stop();
        };
    }

    @Override
    public HandlerObservation handlerStarted(HandlerRun run) {
        if (registry.isNoop()) {
            return HandlerObservation.NONE;
        }
        HeraldProcessContext context = new HeraldProcessContext(run);
        // a tracing handler reads the publisher's trace context from the event as it starts
        Observation observation = started(processConvention, DefaultHeraldProcessObservationConvention.INSTANCE, context);
        return observation == null ? HandlerObservation.NONE : new ProcessObservation(observation, context);
    }

    /** The observation, started; {@code null} if the registry's predicates made it a no-op. */
    private <T extends Observation.Context> @Nullable Observation started(@Nullable ObservationConvention<T> custom,
            ObservationConvention<T> byDefault, T context) {
        Observation observation = Observation.createNotStarted(custom, byDefault, () -> context, registry);
        return observation.isNoop() ? null : observation.start();
    }

    @Override
    public String toString() {
        return "MicrometerObserver[" + registry + "]";
    }

    /** One handler run's observation: current around the handler's call, stopped with the outcome. */
    private static final class ProcessObservation implements HandlerObservation {
        private final Observation observation;
        private final HeraldProcessContext context;

        ProcessObservation(Observation observation, HeraldProcessContext context) {
            this.observation = observation;
            this.context = context;
        }

        @Override
        public Scope makeCurrent() {
            return observation.openScope()::close;
        }

        @Override
        public void end(HandlerOutcome outcome, @Nullable Throwable error) {
            context.ended(outcome);
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        }
    }

    /** Sets the conventions of a {@link MicrometerObserver}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private final ObservationRegistry registry;
        private @Nullable HeraldPublishObservationConvention publishConvention;
        private @Nullable HeraldProcessObservationConvention processConvention;

        private Builder(ObservationRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * The convention of {@code herald.publish}, instead of the registry's global one or the default.
         *
         * @param convention the convention
         * @return this builder
         */
        public Builder publishConvention(HeraldPublishObservationConvention convention) {
            this.publishConvention = Objects.requireNonNull(convention, "convention");
            return this;
        }

        /**
         * The convention of {@code herald.process}, instead of the registry's global one or the default.
         *
         * @param convention the convention
         * @return this builder
         */
        public Builder processConvention(HeraldProcessObservationConvention convention) {
            this.processConvention = Objects.requireNonNull(convention, "convention");
            return this;
        }

        /**
         * The observer.
         *
         * @return a new observer with these settings
         */
        public MicrometerObserver build() {
            return new MicrometerObserver(this);
        }
    }
}
