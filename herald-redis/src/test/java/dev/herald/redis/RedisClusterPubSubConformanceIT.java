package dev.herald.redis;

import dev.herald.spi.TransportFeatures;

/** Sharded Pub/Sub passes the whole conformance suite on a real 3-master Redis Cluster. */
class RedisClusterPubSubConformanceIT extends RedisClusterConformanceBase {

    @Override
    RedisEventBus.Mode mode() {
        return RedisEventBus.Mode.PUBSUB;
    }

    @Override
    protected TransportFeatures features() {
        return TransportFeatures.BROADCAST;
    }

    @Override
    protected void publishRaw(String eventType, byte[] message) {
        raw.sync().spublish(utf8(prefix + ":" + eventType), message); // SPUBLISH, as a foreign program would
    }
}
