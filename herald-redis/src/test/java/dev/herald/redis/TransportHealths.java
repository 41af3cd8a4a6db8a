package dev.herald.redis;

import dev.herald.EventBus;

/** The typed health of a Redis bus's transport, for tests. */
public final class TransportHealths {

    private TransportHealths() {
    }

    /** The health of a Pub/Sub bus's transport; fails for another. */
    public static PubSubHealth pubSubHealth(EventBus bus) {
        return bus.health().transport(PubSubHealth.class).orElseThrow();
    }

    /** The health of a Streams bus's transport; fails for another. */
    public static StreamsHealth streamsHealth(EventBus bus) {
        return bus.health().transport(StreamsHealth.class).orElseThrow();
    }
}
