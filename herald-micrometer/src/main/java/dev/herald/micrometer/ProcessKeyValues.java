package dev.herald.micrometer;

import dev.herald.spi.BusObserver.HandlerOutcome;
import io.micrometer.common.KeyValues;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The contextual name and low-cardinality key values of one handler's {@code herald.process}
 * observations (one system, event type and handler), as
 * {@link DefaultHeraldProcessObservationConvention} names them, made once: started, and ended per
 * outcome without an error and per outcome and error type (at most {@link #MAX_ERROR_TYPES} error
 * types kept per outcome; the key values of further ones are made anew each time). Immutable but
 * for those caches; thread-safe.
 */
final class ProcessKeyValues {

    /** Error types whose key values are kept per handler and outcome. */
    static final int MAX_ERROR_TYPES = 16;

    private final String contextualName;
    private final KeyValues started;
    /** Per outcome (by ordinal): with {@code outcome}, ended without an error, ended with one. */
    private final List<KeyValues> withOutcome;
    private final List<KeyValues> endedWithoutError;
    private final List<CappedCache<String, KeyValues>> endedWithError;

    ProcessKeyValues(String system, String eventType, String handlerName) {
        this.contextualName = "process " + eventType;
        this.started = KeyValues.of(ObservationKeys.SYSTEM, system, ObservationKeys.DESTINATION, eventType,
                ObservationKeys.CONSUMER_GROUP, handlerName);
        List<KeyValues> with = new ArrayList<>();
        List<KeyValues> without = new ArrayList<>();
        List<CappedCache<String, KeyValues>> errors = new ArrayList<>();
        for (HandlerOutcome outcome : HandlerOutcome.values()) {
            KeyValues keys = started.and(ObservationKeys.OUTCOME, outcome.tagValue());
            with.add(keys);
            without.add(withErrorType(keys, ObservationKeys.NO_ERROR));
            errors.add(new CappedCache<>(MAX_ERROR_TYPES));
        }
        this.withOutcome = List.copyOf(with);
        this.endedWithoutError = List.copyOf(without);
        this.endedWithError = List.copyOf(errors);
    }

    String contextualName() {
        return contextualName;
    }

    /** Until the run ended: system, destination and consumer group. */
    KeyValues started() {
        return started;
    }

    /** Once it ended: with {@code outcome} and {@code error.type} too. */
    KeyValues ended(HandlerOutcome outcome, @Nullable Throwable error) {
        int i = outcome.ordinal();
        if (error == null) {
            return endedWithoutError.get(i);
        }
        return endedWithError.get(i).get(ObservationKeys.errorType(error), withOutcome.get(i), ProcessKeyValues::withErrorType);
    }

    private static KeyValues withErrorType(KeyValues keys, String errorType) {
        return keys.and(ObservationKeys.ERROR_TYPE, errorType);
    }

    /** How many error types' key values are kept. */
    int errorTypesKept() {
        return endedWithError.stream().mapToInt(CappedCache::size).sum();
    }
}
