package dev.herald.memory;

import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One bus's connection to an {@link InMemoryBroker}. */
final class InMemoryTransport implements Transport {

    private final InMemoryBroker broker;

    InMemoryTransport(InMemoryBroker broker) {
        this.broker = broker;
    }

    @Override
    public TransportFeatures features() {
        return TransportFeatures.BROADCAST;
    }

    @Override
    public String messagingSystem() {
        return "herald-memory";
    }

    @Override
    public void start() {
    }

    @Override
    public CompletableFuture<Void> publish(String eventType, byte[] message) {
        try {
            broker.publish(eventType, message);
            return CompletableFuture.completedFuture(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public TransportSubscription subscribe(String eventType, String group, DeliveryListener listener) {
        DeliveryListener own = listener::onDelivery; // a distinct instance, removed by identity
        broker.add(eventType, own);
        return () -> broker.remove(eventType, own);
    }

    @Override
    public void close(Duration timeout) {
    }

    @Override
    public String toString() {
        return "in-memory";
    }
}
