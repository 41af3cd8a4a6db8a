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
    private final LowCardinalityKeyValues lowCardinality = new LowCardinalityKeyValues();
    private final KeyValues messageId;
    /**
     * The default convention's key values of this context's destination, once it looked them up (they
     * depend on nothing else); a plain field: a thread that does not see it yet looks them up again.
     */
    @Nullable PublishKeyValues keyValues;

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

    // the low-cardinality key values, read without sorting them anew while known (as in HeraldProcessContext:
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
