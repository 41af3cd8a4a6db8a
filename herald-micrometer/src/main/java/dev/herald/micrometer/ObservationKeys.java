package dev.herald.micrometer;

import io.micrometer.common.KeyValue;
import org.jspecify.annotations.Nullable;

/** The key names and values of Herald's default observation conventions, after OpenTelemetry's messaging conventions. */
final class ObservationKeys {

    static final String SYSTEM = "messaging.system";
    static final String DESTINATION = "messaging.destination.name";
    static final String CONSUMER_GROUP = "messaging.consumer.group.name";
    static final String OUTCOME = "outcome";
    static final String ERROR_TYPE = "error.type";
    static final String MESSAGE_ID = "messaging.message.id";
    static final String BODY_SIZE = "messaging.message.body.size";

    private ObservationKeys() {
    }

    /**
     * The {@code error.type} key value: the simple name of the error's class (its full name for an
     * anonymous class), or {@code none}.
     */
    static KeyValue errorType(@Nullable Throwable error) {
        if (error == null) {
            return KeyValue.of(ERROR_TYPE, "none");
        }
        String name = error.getClass().getSimpleName();
        return KeyValue.of(ERROR_TYPE, name.isEmpty() ? error.getClass().getName() : name);
    }
}
