package dev.herald.micrometer;

import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The contextual name and low-cardinality key values of one destination's {@code herald.publish}
 * observations (one system and event type), as {@link DefaultHeraldPublishObservationConvention}
 * names them, made once: started, succeeded, and failed per error type (at most
 * {@link #MAX_ERROR_TYPES} kept; the key values of further error types are made anew each time).
 * Immutable but for that cache; thread-safe.
 */
final class PublishKeyValues {

    /** Error types whose key values are kept per destination. */
    static final int MAX_ERROR_TYPES = 16;

    private final String contextualName;
    private final KeyValues started;
    private final KeyValues succeeded;
    private final CappedCache<String, KeyValues> failed = new CappedCache<>(MAX_ERROR_TYPES);

    PublishKeyValues(String system, String eventType) {
        this.contextualName = "send " + eventType;
        this.started = KeyValues.of(ObservationKeys.SYSTEM, system, ObservationKeys.DESTINATION, eventType);
        this.succeeded = started.and(ObservationKeys.OUTCOME, "success", ObservationKeys.ERROR_TYPE, ObservationKeys.NO_ERROR);
    }

    String contextualName() {
        return contextualName;
    }

    /** Until the publish ended: system and destination. */
    KeyValues started() {
        return started;
    }

    /** Once it ended: with {@code outcome} and {@code error.type} too. */
    KeyValues ended(@Nullable Throwable error) {
        return error == null ? succeeded : failed.get(ObservationKeys.errorType(error), started, PublishKeyValues::failed);
    }

    private static KeyValues failed(KeyValues started, String errorType) {
        return started.and(ObservationKeys.OUTCOME, "error", ObservationKeys.ERROR_TYPE, errorType);
    }

    /** How many error types' key values are kept. */
    int errorTypesKept() {
        return failed.size();
    }
}
