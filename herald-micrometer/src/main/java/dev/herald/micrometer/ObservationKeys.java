package dev.herald.micrometer;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The key names and values of Herald's default observation conventions, after OpenTelemetry's messaging conventions. */
final class ObservationKeys {

    static final String SYSTEM = "messaging.system";
    static final String DESTINATION = "messaging.destination.name";
    static final String CONSUMER_GROUP = "messaging.consumer.group.name";
    static final String OUTCOME = "outcome";
    static final String ERROR_TYPE = "error.type";
    static final String MESSAGE_ID = "messaging.message.id";
    static final String BODY_SIZE = "messaging.message.body.size";
    /** The {@code error.type} of an observation that ended without an error. */
    static final String NO_ERROR = "none";

    private ObservationKeys() {
    }

    /**
     * The {@code error.type} value, as OpenTelemetry's semantic conventions (and
     * {@code OpenTelemetryObserver}) give it: the fully qualified class name of what was thrown,
     * inside any {@code CompletionException} or {@code ExecutionException} wrapping it.
     */
    static String errorType(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getName();
    }
}
