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
    private final ContextKeyValues keys = new ContextKeyValues();
    private final KeyValues messageId;
    /**
     * The default convention's key values of this context's handler, once it looked them up (they
     * depend on nothing else); a plain field: a thread that does not see it yet looks them up again.
     */
    @Nullable ProcessKeyValues keyValues;
    /**
     * When {@link HeraldMeterObservationHandler}'s timer started (its registry's monotonic clock); a
     * plain field: the observation is stopped after its start was handed over to the stopping thread.
     */
    long timerStartedAt;

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

    // the key values kept in ContextKeyValues instead of Observation.Context's maps (the same overrides are in
    // HeraldPublishContext: Micrometer's SenderContext and ReceiverContext leave no common class of Herald's to keep them in)

    @Override
    public Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
        keys.addLow(KeyValues.of(keyValue));
        return this;
    }

    @Override
    public Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
        keys.addLow(keyValues);
        return this;
    }

    @Override
    public Observation.Context removeLowCardinalityKeyValue(String keyName) {
        keys.removeLow(keyName);
        return this;
    }

    @Override
    public Observation.Context removeLowCardinalityKeyValues(String... keyNames) {
        keys.removeLow(keyNames);
        return this;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues() {
        return keys.low();
    }

    @Override
    public @Nullable KeyValue getLowCardinalityKeyValue(String key) {
        return ContextKeyValues.find(keys.low(), key);
    }

    @Override
    public Observation.Context addHighCardinalityKeyValue(KeyValue keyValue) {
        keys.addHigh(KeyValues.of(keyValue));
        return this;
    }

    @Override
    public Observation.Context addHighCardinalityKeyValues(KeyValues keyValues) {
        keys.addHigh(keyValues);
        return this;
    }

    @Override
    public Observation.Context removeHighCardinalityKeyValue(String keyName) {
        keys.removeHigh(keyName);
        return this;
    }

    @Override
    public Observation.Context removeHighCardinalityKeyValues(String... keyNames) {
        keys.removeHigh(keyNames);
        return this;
    }

    @Override
    public KeyValues getHighCardinalityKeyValues() {
        return keys.high();
    }

    @Override
    public @Nullable KeyValue getHighCardinalityKeyValue(String key) {
        return ContextKeyValues.find(keys.high(), key);
    }
}
