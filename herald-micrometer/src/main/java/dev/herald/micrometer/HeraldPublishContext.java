package dev.herald.micrometer;

import dev.herald.spi.BusObserver;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@code herald.publish} observation: the event being published, and, once the
 * publish ended, its encoded size. Its carrier is the event's extension attributes, so that a
 * tracing handler writes the trace context ({@code traceparent}, {@code tracestate}) into the
 * CloudEvent while the observation starts; the error, if the publish failed, is
 * {@link #getError()}. Read by a {@link HeraldPublishObservationConvention}.
 *
 * <p>Made and ended by {@link MicrometerObserver}; handlers and conventions only read it, from any thread.
 */
public final class HeraldPublishContext extends SenderContext<BusObserver.Attributes> {

    private final BusObserver.Publish publish;
    private volatile boolean ended;
    private volatile int sizeBytes = -1;
    private final ContextKeyValues keys = new ContextKeyValues();
    private final KeyValues messageId;
    /**
     * The default convention's key values of this context's destination, once it looked them up (they
     * depend on nothing else); a plain field: a thread that does not see it yet looks them up again.
     */
    @Nullable PublishKeyValues keyValues;
    /**
     * When {@link HeraldMeterObservationHandler}'s timer started (its registry's monotonic clock); a
     * plain field: the observation is stopped after its start was handed over to the stopping thread.
     */
    long timerStartedAt;

    /**
     * A context for one publish.
     *
     * @param publish the event being published
     */
    public HeraldPublishContext(BusObserver.Publish publish) {
        super(ExtensionAttributes.SETTER, Kind.PRODUCER);
        this.publish = Objects.requireNonNull(publish, "publish");
        setCarrier(publish.attributes());
        setRemoteServiceName(publish.system());
        this.messageId = KeyValues.of(ObservationKeys.MESSAGE_ID, publish.eventId());
    }

    /**
     * The event being published.
     *
     * @return its type, id, source and system
     */
    public BusObserver.Publish publish() {
        return publish;
    }

    /**
     * Whether the publish ended, accepted or failed: until then it has no outcome.
     *
     * @return true once ended
     */
    public boolean isEnded() {
        return ended;
    }

    /**
     * The encoded message's size.
     *
     * @return bytes, or -1 until the publish ended or if it failed before encoding
     */
    public int sizeBytes() {
        return sizeBytes;
    }

    void ended(int sizeBytes) {
        this.sizeBytes = sizeBytes;
        this.ended = true;
    }

    /** The event's id as a high-cardinality key value. */
    KeyValues messageId() {
        return messageId;
    }

    // the key values kept in ContextKeyValues instead of Observation.Context's maps (the same overrides are in
    // HeraldProcessContext: Micrometer's SenderContext and ReceiverContext leave no common class of Herald's to keep them in)

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
