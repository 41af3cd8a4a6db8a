package dev.herald.micrometer;

import dev.herald.spi.BusObserver;
import io.micrometer.common.KeyValues;

/**
 * The {@code herald.process} observation's default names: contextual (span) name
 * {@code process <type>}; low-cardinality keys {@code messaging.system} ({@code redis},
 * {@code herald-memory}), {@code messaging.destination.name} (the event type),
 * {@code messaging.consumer.group.name} (the handler name), and once the run ended
 * {@code outcome} ({@code success}, {@code retried}, {@code dead_lettered} or {@code error}) and
 * {@code error.type} (the fully qualified class name of what the handler threw, or {@code none});
 * high-cardinality key {@code messaging.message.id}. Extend it to add or change keys. Stateless
 * and thread-safe.
 */
public class DefaultHeraldProcessObservationConvention implements HeraldProcessObservationConvention {

    /** The observation's name, and the name of the timer Micrometer's meter handler makes of it. */
    public static final String NAME = "herald.process";

    /** The convention, as {@link MicrometerObserver#of} uses it. */
    public static final DefaultHeraldProcessObservationConvention INSTANCE = new DefaultHeraldProcessObservationConvention();

    /** For subclasses; {@link #INSTANCE} otherwise. */
    public DefaultHeraldProcessObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(HeraldProcessContext context) {
        return "process " + context.run().event().type();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(HeraldProcessContext context) {
        KeyValues keys = KeyValues.of(ObservationKeys.SYSTEM, context.run().system(),
                ObservationKeys.DESTINATION, context.run().event().type(),
                ObservationKeys.CONSUMER_GROUP, context.run().handlerName());
        BusObserver.HandlerOutcome outcome = context.outcome();
        if (outcome == null) {
            return keys;
        }
        return keys.and(KeyValues.of(ObservationKeys.OUTCOME, outcome.tagValue()))
                .and(ObservationKeys.errorType(context.getError()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(HeraldProcessContext context) {
        return KeyValues.of(ObservationKeys.MESSAGE_ID, context.run().event().id());
    }
}
