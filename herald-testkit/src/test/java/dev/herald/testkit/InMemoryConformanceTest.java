package dev.herald.testkit;

import dev.herald.EventBusBuilder;
import dev.herald.memory.InMemoryBroker;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.spi.TransportFeatures;

/** The in-memory transport passes the whole conformance suite. */
class InMemoryConformanceTest extends TransportConformanceSuite {

    private final InMemoryBroker broker = new InMemoryBroker();

    @Override
    protected EventBusBuilder<?> newBusBuilder() {
        return InMemoryEventBus.builder().broker(broker);
    }

    @Override
    protected TransportFeatures features() {
        return TransportFeatures.BROADCAST;
    }

    @Override
    protected String messagingSystem() {
        return "herald-memory";
    }

    @Override
    protected void publishRaw(String eventType, byte[] message) throws Exception {
        broker.publish(eventType, message);
    }
}
