package dev.herald.redis;

import dev.herald.spi.TransportFeatures;

/**
 * The Redis Streams transport passes the whole conformance suite on a Redis Cluster of three
 * masters: its types' streams and its dead letters spread over the masters' slots.
 */
class RedisClusterStreamsConformanceIT extends RedisClusterConformanceBase {

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
        raw.sync().xadd(utf8(RedisKeys.stream(prefix, eventType)), utf8(RedisKeys.STREAM_FIELD), message);
    }
}
