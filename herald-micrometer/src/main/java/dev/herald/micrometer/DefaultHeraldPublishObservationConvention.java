package dev.herald.micrometer;

import io.micrometer.common.KeyValues;

/**
 * The {@code herald.publish} observation's default names: contextual (span) name
 * {@code send <type>}; low-cardinality keys {@code messaging.system} ({@code redis},
 * {@code herald-memory}), {@code messaging.destination.name} (the event type), and once the
 * publish ended {@code outcome} ({@code success} or {@code error}) and {@code error.type} (the
 * failure's fully qualified class name, or {@code none}); high-cardinality keys
 * {@code messaging.message.id} and, once encoded, {@code messaging.message.body.size}. Extend it
 * to add or change keys.
 *
 * <p>The names and low-cardinality key values of each destination (system and event type) are
 * made once and kept, for up to 1,024 destinations and 16 error types each;
 * past that they are made anew at each call, the same. Thread-safe.
 */
public class DefaultHeraldPublishObservationConvention implements HeraldPublishObservationConvention {

    /** The observation's name, and the name of the timer Micrometer's meter handler makes of it. */
    public static final String NAME = "herald.publish";

    /** The convention, as {@link MicrometerObserver#of} uses it. */
    public static final DefaultHeraldPublishObservationConvention INSTANCE = new DefaultHeraldPublishObservationConvention();

    /** Destinations (system and event type) whose names and key values are kept. */
    static final int MAX_DESTINATIONS = 1024;

    private final CappedCache<Destination, PublishKeyValues> keyValues = new CappedCache<>(MAX_DESTINATIONS);

    /** For subclasses; {@link #INSTANCE} otherwise. */
    public DefaultHeraldPublishObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(HeraldPublishContext context) {
        return keyValues(context).contextualName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(HeraldPublishContext context) {
        PublishKeyValues keys = keyValues(context);
        return context.isEnded() ? keys.ended(context.getError()) : keys.started();
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(HeraldPublishContext context) {
        KeyValues keys = context.messageId();
        return context.sizeBytes() < 0 ? keys : keys.and(ObservationKeys.BODY_SIZE, Integer.toString(context.sizeBytes()));
    }

    /** How many destinations' key values are kept. */
    int destinationsKept() {
        return keyValues.size();
    }

    /** The destination's key values, looked up once per context (an observation asks three times). */
    private PublishKeyValues keyValues(HeraldPublishContext context) {
        PublishKeyValues keys = context.keyValues;
        if (keys == null) {
            keys = keyValues.get(new Destination(context.publish().system(), context.publish().eventType()),
                    destination -> new PublishKeyValues(destination.system(), destination.eventType()));
            context.keyValues = keys;
        }
        return keys;
    }

    /**
     * Where events are published: the key of their key values. Its {@code equals} and
     * {@code hashCode} are written out: a record's generated ones go through method handles that
     * the JIT did not inline on this path, a tenth of its cost.
     */
    private record Destination(String system, String eventType) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Destination d && eventType.equals(d.eventType) && system.equals(d.system);
        }

        @Override
        public int hashCode() {
            return 31 * system.hashCode() + eventType.hashCode();
        }
    }
}
