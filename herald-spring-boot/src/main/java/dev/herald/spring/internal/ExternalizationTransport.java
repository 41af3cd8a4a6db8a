package dev.herald.spring.internal;

import dev.herald.BusState;
import dev.herald.EventBus;
import dev.herald.Metadata;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationContext;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.modulith.events.RoutingTarget;
import org.springframework.modulith.events.support.BrokerRouting;

/**
 * Spring Modulith's transport to Redis: sends an externalized event through the bus. The routing
 * target (SpEL evaluated against the event) is the Herald event type, the routing key (if any) the
 * CloudEvents {@code subject}, the configuration's headers for the event extension attributes
 * (their names must be CloudEvents extension names); the event itself is the payload, serialized
 * by the bus's codec. Returns the publish's future, so that the event publication registry marks
 * the publication completed only once Redis accepted the event, and leaves it incomplete when the
 * publish fails. A publish before the bus has started (Spring Modulith resubmitting what an
 * earlier run left incomplete) waits for it ({@link BusStartGate}). Thread-safe.
 */
public final class ExternalizationTransport implements BiFunction<RoutingTarget, Object, CompletableFuture<?>> {

    private final EventBus bus;
    private final EventExternalizationConfiguration configuration;
    private final EvaluationContext context;
    private final BusStartGate started;

    /**
     * A transport to a bus.
     *
     * @param bus the bus to publish through
     * @param configuration the application's externalization configuration, for the headers
     * @param context where SpEL in routing targets and keys is evaluated (with the bean factory)
     * @param started opens once the bus has started
     */
    public ExternalizationTransport(EventBus bus, EventExternalizationConfiguration configuration, EvaluationContext context,
            BusStartGate started) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.context = Objects.requireNonNull(context, "context");
        this.started = Objects.requireNonNull(started, "started");
    }

    @Override
    public CompletableFuture<?> apply(RoutingTarget target, Object event) {
        Metadata metadata;
        String type;
        try {
            BrokerRouting routing = BrokerRouting.of(target, context);
            type = routing.getTarget(event);
            metadata = metadata(routing.getKey(event), configuration.getHeadersFor(event));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot externalize " + event.getClass().getName()
                    + " to Herald with routing target '" + target + "': " + e.getMessage(), e));
        }
        if (bus.state() == BusState.NEW) {
            return started.afterStart(() -> bus.publish(type, event, metadata));
        }
        return bus.publish(type, event, metadata);
    }

    private static Metadata metadata(@Nullable String key, Map<String, Object> headers) {
        Metadata metadata = Metadata.empty();
        if (key != null && !key.isBlank()) {
            metadata = metadata.withSubject(key);
        }
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            metadata = metadata.withHeader(header.getKey(), String.valueOf(header.getValue()));
        }
        return metadata;
    }
}
