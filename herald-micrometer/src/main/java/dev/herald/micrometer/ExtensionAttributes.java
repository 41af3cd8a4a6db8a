package dev.herald.micrometer;

import dev.herald.Envelope;
import dev.herald.spi.BusObserver;
import io.micrometer.observation.transport.Propagator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a propagator's fields travel: as CloudEvents extension attributes of the event, written on
 * publish and read from {@link Envelope#headers()} on the handling side. W3C Trace Context
 * ({@code traceparent}, {@code tracestate}), {@code baggage} and single-header B3 ({@code b3})
 * are valid extension names; a field that is not (such as multi-header B3's {@code X-B3-TraceId})
 * cannot travel in a CloudEvent: it is skipped, with one warning per name.
 */
final class ExtensionAttributes {

    private static final Logger log = LoggerFactory.getLogger(ExtensionAttributes.class);
    private static final Set<String> warned = ConcurrentHashMap.newKeySet();

    static final Propagator.Setter<BusObserver.Attributes> SETTER = ExtensionAttributes::set;
    static final Propagator.Getter<Envelope<?>> GETTER = (event, name) -> event.header(name);

    private ExtensionAttributes() {
    }

    private static void set(BusObserver.@Nullable Attributes attributes, String name, String value) {
        if (attributes == null) {
            return;
        }
        try {
            attributes.set(name, value);
        } catch (IllegalArgumentException e) {
            if (warned.add(name)) {
                log.warn("trace field '{}' cannot travel in an event and is left out: {}"
                        + " (use W3C Trace Context or single-header B3 propagation)", name, e.getMessage());
            }
        }
    }
}
