package dev.herald.redis;

import dev.herald.spi.TransportFeatures;

/** The Redis Pub/Sub transport passes the whole conformance suite, against a real redis-server. */
class RedisPubSubConformanceIT extends RedisConformanceBase {

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
        raw.sync().publish(utf8(prefix + ":" + eventType), message);
    }
}
