package dev.herald.micrometer;

import dev.herald.Envelope;
import dev.herald.spi.BusObserver;
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
}
