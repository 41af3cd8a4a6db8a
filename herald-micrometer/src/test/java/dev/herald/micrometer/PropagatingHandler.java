package dev.herald.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a tracing bridge does with Herald's contexts, without one: on send it writes a fixed
 * {@code traceparent} and {@code tracestate} through the context's setter; on receive it reads
 * them through the getter, into {@link #extracted}.
 */
final class PropagatingHandler implements ObservationHandler<Observation.Context> {

    static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    static final String TRACESTATE = "herald=1";

    /** The values read on receive, {@code traceparent} then {@code tracestate} for each. */
    final List<String> extracted = new CopyOnWriteArrayList<>();

    @Override
    @SuppressWarnings("unchecked")
    public void onStart(Observation.Context context) {
        if (context instanceof SenderContext<?> sender) {
            SenderContext<Object> send = (SenderContext<Object>) sender;
            send.getSetter().set(send.getCarrier(), "traceparent", TRACEPARENT);
            send.getSetter().set(send.getCarrier(), "tracestate", TRACESTATE);
        } else if (context instanceof ReceiverContext<?> receiver) {
            ReceiverContext<Object> receive = (ReceiverContext<Object>) receiver;
            extracted.add(receive.getGetter().get(receive.getCarrier(), "traceparent"));
            extracted.add(receive.getGetter().get(receive.getCarrier(), "tracestate"));
        }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return true;
    }
}
