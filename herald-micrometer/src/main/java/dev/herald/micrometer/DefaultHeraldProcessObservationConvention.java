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
 * high-cardinality key {@code messaging.message.id}. Extend it to add or change keys.
 *
 * <p>The names and low-cardinality key values of each handler (system, event type and handler
 * name) are made once and kept, for up to 1,024 handlers and 16 error types per
 * handler and outcome; past that they are made anew at each call, the same. Thread-safe.
 */
public class DefaultHeraldProcessObservationConvention implements HeraldProcessObservationConvention {

    /** The observation's name, and the name of the timer Micrometer's meter handler makes of it. */
    public static final String NAME = "herald.process";

    /** The convention, as {@link MicrometerObserver#of} uses it. */
    public static final DefaultHeraldProcessObservationConvention INSTANCE = new DefaultHeraldProcessObservationConvention();

    /** Handlers (system, event type and handler name) whose names and key values are kept. */
    static final int MAX_HANDLERS = 1024;

    private final CappedCache<Handler, ProcessKeyValues> keyValues = new CappedCache<>(MAX_HANDLERS);

    /** For subclasses; {@link #INSTANCE} otherwise. */
    public DefaultHeraldProcessObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(HeraldProcessContext context) {
        return keyValues(context).contextualName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(HeraldProcessContext context) {
        ProcessKeyValues keys = keyValues(context);
        BusObserver.HandlerOutcome outcome = context.outcome();
        return outcome == null ? keys.started() : keys.ended(outcome, context.getError());
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(HeraldProcessContext context) {
        return context.messageId();
    }

    /** How many handlers' key values are kept. */
    int handlersKept() {
        return keyValues.size();
    }

    /** The handler's key values, looked up once per context (an observation asks three times). */
    private ProcessKeyValues keyValues(HeraldProcessContext context) {
        ProcessKeyValues keys = context.keyValues;
        if (keys == null) {
            BusObserver.HandlerRun run = context.run();
            keys = keyValues.get(new Handler(run.system(), run.event().type(), run.handlerName()),
                    handler -> new ProcessKeyValues(handler.system(), handler.eventType(), handler.name()));
            context.keyValues = keys;
        }
        return keys;
    }

    /**
     * Whose events are handled: the key of their key values. Its {@code equals} and
     * {@code hashCode} are written out: a record's generated ones go through method handles that
     * the JIT did not inline on this path, a tenth of its cost.
     */
    private record Handler(String system, String eventType, String name) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Handler h && name.equals(h.name) && eventType.equals(h.eventType) && system.equals(h.system);
        }

        @Override
        public int hashCode() {
            return (31 * system.hashCode() + eventType.hashCode()) * 31 + name.hashCode();
        }
    }
}
