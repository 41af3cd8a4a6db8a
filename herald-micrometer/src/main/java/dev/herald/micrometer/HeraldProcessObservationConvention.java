package dev.herald.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code herald.process} observation and its key values; implement it (or extend
 * {@link DefaultHeraldProcessObservationConvention}) to rename or add keys, and pass it to
 * {@link MicrometerObserver.Builder#processConvention}, or register it for the whole registry as a
 * {@link io.micrometer.observation.GlobalObservationConvention}.
 */
public interface HeraldProcessObservationConvention extends ObservationConvention<HeraldProcessContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof HeraldProcessContext;
    }
}
