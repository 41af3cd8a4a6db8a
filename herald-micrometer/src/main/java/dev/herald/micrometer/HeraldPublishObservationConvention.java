package dev.herald.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the {@code herald.publish} observation and its key values; implement it (or extend
 * {@link DefaultHeraldPublishObservationConvention}) to rename or add keys, and pass it to
 * {@link MicrometerObserver.Builder#publishConvention}, or register it for the whole registry as a
 * {@link io.micrometer.observation.GlobalObservationConvention}.
 */
public interface HeraldPublishObservationConvention extends ObservationConvention<HeraldPublishContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof HeraldPublishContext;
    }
}
