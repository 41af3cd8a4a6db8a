/**
 * Herald on Redis: {@link dev.herald.redis.RedisEventBus}, with Redis Pub/Sub or Redis Streams as
 * the transport and a Redis stream as the dead-letter queue, on the Lettuce client.
 */
@NullMarked
package dev.herald.redis;

import org.jspecify.annotations.NullMarked;
