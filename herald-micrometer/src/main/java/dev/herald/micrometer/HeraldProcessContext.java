package dev.herald.micrometer;

import dev.herald.Envelope;
import dev.herald.spi.BusObserver;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@code herald.process} observation: one call of a handler for an event, and,
 * once it ended, what became of the event. Its carrier is the event, whose extension attributes a
 * tracing handler reads the publisher's trace context from; what the handler threw is
 * {@link #getError()}. Read by a {@link HeraldProcessObservationConvention}.
 *
 * <p>Made and ended by {@link MicrometerObserver}; handlers and conventions only read it, from any thread.
 */
public final class HeraldProcessContext extends ReceiverContext<Envelope<?>> {

    private final BusObserver.HandlerRun run;
    private volatile BusObserver.@Nullable HandlerOutcome outcome;
    private final LowCardinalityKeyValues lowCardinality = new LowCardinalityKeyValues();
    private final KeyValues messageId;
    /**
     * The default convention's key values of this context's handler, once it looked them up (they
     * depend on nothing else); a plain field: a thread that does not see it yet looks them up again.
     */
    @Nullable ProcessKeyValues keyValues;

    /**
     * A context for one handler run.
     *
     * @param run the event, handler and attempt
     */
    public HeraldProcessContext(BusObserver.HandlerRun run) {
        super(ExtensionAttributes.GETTER, Kind.CONSUMER);
        this.run = Objects.requireNonNull(run, "run");
        setCarrier(run.event());
        setRemoteServiceName(run.system());
        this.messageId = KeyValues.of(ObservationKeys.MESSAGE_ID, run.event().id());
    }

    /**
     * The handler run.
     *
     * @return the event, handler name, attempt and system
     */
    public BusObserver.HandlerRun run() {
        return run;
    }

    /**
     * What became of the event after this run.
     *
     * @return the outcome, or {@code null} until the run ended
     */
    public BusObserver.@Nullable HandlerOutcome outcome() {
        return outcome;
    }

    void ended(BusObserver.HandlerOutcome outcome) {
        this.outcome = outcome;
    }

    /** The event's id as a high-cardinality key value. */
    KeyValues messageId() {
        return messageId;
    }

    // the low-cardinality key values, read without sorting them anew while known (as in HeraldPublishContext:
    // Micrometer's SenderContext and ReceiverContext leave no common class of Herald's to keep this in)

    @Override
    public Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
        super.addLowCardinalityKeyValue(keyValue);
        lowCardinality.changed();
        return this;
    }

    @Override
    public Observation.Context removeLowCardinalityKeyValue(String keyName) {
        super.removeLowCardinalityKeyValue(keyName);
        lowCardinality.changed();
        return this;
    }

    @Override
    public Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
        Object before = lowCardinality.adding();
        super.addLowCardinalityKeyValues(keyValues);
        lowCardinality.added(before, keyValues);
        return this;
    }

    /**
     * The low-cardinality key values: as {@code Observation.Context} has them, without sorting them
     * anew while they are the set a convention gave.
     *
     * @return the key values
     */
    @Override
    public KeyValues getLowCardinalityKeyValues() {
        KeyValues known = lowCardinality.known();
        return known != null ? known : super.getLowCardinalityKeyValues();
    }
}
