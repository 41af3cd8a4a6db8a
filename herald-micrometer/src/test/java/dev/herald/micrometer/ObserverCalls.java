package dev.herald.micrometer;

import dev.herald.Envelope;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Publish;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** What a bus hands its observer, made by hand: a publish of event id-1, a run of handling event-1 (order.placed). */
final class ObserverCalls {

    private ObserverCalls() {
    }

    static Publish publish(String type, EventAttributes attributes) {
        return new Publish("redis", type, "id-1", "orders-service", attributes);
    }

    static HandlerRun run(String handler, int attempt, Map<String, String> headers) {
        Envelope<Object> event = new Envelope<>("event-1", "order.placed", "orders-service", Instant.EPOCH, "corr-1",
                null, null, headers, Map.of("orderId", "42"));
        return new HandlerRun("redis", handler, attempt, event);
    }

    /** Extension attributes as a bus keeps them while a publish starts: names checked as CloudEvents does. */
    static final class EventAttributes implements BusObserver.Attributes {
        private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,20}");
        final Map<String, String> values = new ConcurrentHashMap<>();

        @Override
        public String get(String name) {
            return values.get(name);
        }

        @Override
        public void set(String name, String value) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a CloudEvents extension name: '" + name + "'");
            }
            values.put(name, value);
        }
    }
}
