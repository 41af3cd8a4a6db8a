package dev.herald.micrometer;

import io.micrometer.common.KeyValues;

/**
 * The {@code herald.publish} observation's default names: contextual (span) name
 * {@code send <type>}; low-cardinality keys {@code messaging.system} ({@code redis},
 * {@code herald-memory}), {@code messaging.destination.name} (the event type), and once the
 * publish ended {@code outcome} ({@code success} or {@code error}) and {@code error.type} (the
 * failure's fully qualified class name, or {@code none}); high-cardinality keys
 * {@code messaging.message.id} and, once encoded, {@code messaging.message.body.size}. Extend it
 * to add or change keys. Stateless and thread-safe.
 */
public class DefaultHeraldPublishObservationConvention implements HeraldPublishObservationConvention {

    /** The observation's name, and the name of the timer Micrometer's meter handler makes of it. */
    public static final String NAME = "herald.publish";

    /** The convention, as {@link MicrometerObserver#of} uses it. */
    public static final DefaultHeraldPublishObservationConvention INSTANCE = new DefaultHeraldPublishObservationConvention();

    /** For subclasses; {@link #INSTANCE} otherwise. */
    public DefaultHeraldPublishObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(HeraldPublishContext context) {
        return "send " + context.publish().eventType();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(HeraldPublishContext context) {
        KeyValues keys = KeyValues.of(ObservationKeys.SYSTEM, context.publish().system(),
                ObservationKeys.DESTINATION, context.publish().eventType());
        if (!context.isEnded()) {
            return keys;
        }
        return keys.and(KeyValues.of(ObservationKeys.OUTCOME, context.getError() == null ? "success" : "error"))
                .and(ObservationKeys.errorType(context.getError()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(HeraldPublishContext context) {
        KeyValues keys = KeyValues.of(ObservationKeys.MESSAGE_ID, context.publish().eventId());
        return context.sizeBytes() < 0 ? keys : keys.and(ObservationKeys.BODY_SIZE, Integer.toString(context.sizeBytes()));
    }
}
