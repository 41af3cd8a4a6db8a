package dev.herald.micrometer;

import dev.herald.spi.BusObserver;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.util.Objects;

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
}
