package dev.herald.memory;

import dev.herald.spi.Delivery;
import dev.herald.spi.DeliveryListener;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The meeting point of in-memory buses: topics and their listeners. Every
 * {@link InMemoryEventBus} has its own broker unless several are given the same one with
 * {@link InMemoryEventBus.Builder#broker(InMemoryBroker)}, which makes them behave like services
 * sharing a Redis server: each receives every event of the types it subscribes to.
 *
 * <p>Delivery happens on the publisher's thread, into each handler's bounded queue; when a queue
 * is full the publisher waits (backpressure). Nothing is kept for a topic without listeners, as
 * with Redis Pub/Sub. Thread-safe.
 */
public final class InMemoryBroker {

    private final Map<String, List<DeliveryListener>> listeners = new ConcurrentHashMap<>();

    /** Creates an empty broker. */
    public InMemoryBroker() {
    }

    /**
     * Sends raw bytes to every listener of a type, as another program writing to the topic would;
     * for tests of bad input. Waits while a listener's queue is full.
     *
     * @param eventType the topic
     * @param message the raw message; shared with the listeners, so not to be modified afterwards
     * @return how many listeners received it
     * @throws InterruptedException if interrupted while waiting for room
     */
    public int publish(String eventType, byte[] message) throws InterruptedException {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(message, "message");
        List<DeliveryListener> targets = listeners.get(eventType);
        if (targets == null) {
            return 0;
        }
        Delivery delivery = Delivery.of(message);
        int n = 0;
        for (DeliveryListener listener : targets) {
            listener.onDelivery(delivery);
            n++;
        }
        return n;
    }

    /**
     * How many listeners a type has now.
     *
     * @param eventType the topic
     * @return the number of subscribed handlers, across buses
     */
    public int listenerCount(String eventType) {
        List<DeliveryListener> targets = listeners.get(eventType);
        return targets == null ? 0 : targets.size();
    }

    void add(String eventType, DeliveryListener listener) {
        listeners.computeIfAbsent(eventType, t -> new CopyOnWriteArrayList<>()).add(listener);
    }

    void remove(String eventType, DeliveryListener listener) {
        List<DeliveryListener> targets = listeners.get(eventType);
        if (targets != null) {
            targets.remove(listener);
        }
    }
}
