package dev.herald.testkit.examples;

import dev.herald.DeadLetter;
import dev.herald.EventBus;
import dev.herald.EventBusBuilder;
import dev.herald.spi.DeadLetterStore;
import dev.herald.spi.Delivery;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportBus;
import dev.herald.spi.TransportFeatures;
import dev.herald.spi.TransportSubscription;
import dev.herald.testkit.TransportConformanceSuite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport written only against Herald's public SPI, as a third party would write one, passes
 * the whole conformance suite. The README's "Writing a transport" shows the middle part.
 */
class ThirdPartyTransportConformanceTest extends TransportConformanceSuite {

    private final Map<String, List<DeliveryListener>> topics = new ConcurrentHashMap<>();

    @Override
    protected EventBusBuilder<?> newBusBuilder() {
        return new LoopbackBusBuilder(topics);
    }

    @Override
    protected TransportFeatures features() {
        return TransportFeatures.BROADCAST;
    }

    @Override
    protected void publishRaw(String eventType, byte[] message) throws Exception {
        new LoopbackTransport(topics).publish(eventType, message).join();
    }

    // README-EXAMPLE-START
    /** Builds buses over the loopback transport: the common options come from EventBusBuilder. */
    static final class LoopbackBusBuilder extends EventBusBuilder<LoopbackBusBuilder> {
        private final Map<String, List<DeliveryListener>> topics;

        LoopbackBusBuilder(Map<String, List<DeliveryListener>> topics) {
            this.topics = topics;
        }

        @Override
        public EventBus build() {
            return TransportBus.create(settings(), new LoopbackTransport(topics), new MapDeadLetterStore());
        }
    }

    /** Hands each message to every listener of its type, on the publisher's thread. */
    static final class LoopbackTransport implements Transport {
        private final Map<String, List<DeliveryListener>> topics;

        LoopbackTransport(Map<String, List<DeliveryListener>> topics) {
            this.topics = topics;
        }

        @Override
        public TransportFeatures features() {
            return TransportFeatures.BROADCAST;
        }

        @Override
        public void start() {
        }

        @Override
        public CompletableFuture<Void> publish(String eventType, byte[] message) {
            try {
                for (DeliveryListener listener : topics.getOrDefault(eventType, List.of())) {
                    listener.onDelivery(Delivery.of(message)); // waits while the handler's queue is full
                }
                return CompletableFuture.completedFuture(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public TransportSubscription subscribe(String eventType, String group, DeliveryListener listener) {
            DeliveryListener own = listener::onDelivery; // a distinct instance, removed by identity
            topics.computeIfAbsent(eventType, t -> new CopyOnWriteArrayList<>()).add(own);
            return () -> topics.get(eventType).remove(own);
        }

        @Override
        public void close(Duration timeout) {
        }

        @Override
        public String toString() {
            return "loopback";
        }
    }

    /** Dead letters in a sorted map: their ids are time-ordered, so iteration is oldest first. */
    static final class MapDeadLetterStore implements DeadLetterStore {
        private final ConcurrentSkipListMap<String, DeadLetter> letters = new ConcurrentSkipListMap<>();

        @Override
        public DeadLetter add(DeadLetter deadLetter) {
            letters.put(deadLetter.id(), deadLetter);
            return deadLetter;
        }

        @Override
        public List<DeadLetter> list(int limit) {
            return new ArrayList<>(letters.values()).subList(0, Math.min(limit, letters.size()));
        }

        @Override
        public Optional<DeadLetter> get(String id) {
            return Optional.ofNullable(letters.get(id));
        }

        @Override
        public boolean delete(String id) {
            return letters.remove(id) != null;
        }

        @Override
        public long size() {
            return letters.size();
        }

        @Override
        public long purge() {
            long n = letters.size();
            letters.clear();
            return n;
        }
    }
    // README-EXAMPLE-END
}
