package dev.herald.redis;

import dev.herald.spi.TransportFeatures;

/**
 * The Redis Streams transport passes the whole conformance suite, with its durable features
 * (persistent, consumer groups, redelivery), against a real redis-server.
 */
class RedisStreamsConformanceIT extends RedisConformanceBase {

    @Override
    RedisEventBus.Mode mode() {
        return RedisEventBus.Mode.STREAMS;
    }

    @Override
    protected TransportFeatures features() {
        return TransportFeatures.DURABLE;
    }

    @Override
    protected void publishRaw(String eventType, byte[] message) {
        raw.sync().xadd(utf8(prefix + ":stream:" + eventType), utf8("event"), message);
    }
}
