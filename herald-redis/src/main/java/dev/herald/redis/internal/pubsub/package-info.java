/**
 * The Redis Pub/Sub transports, on one server and sharded on a Redis Cluster: publishing,
 * subscriber intake, heartbeats and gap detection.
 *
 * <p>Herald's implementation, not API: classes here may change in any release. Depend on
 * {@code dev.herald} and {@code dev.herald.spi} instead.
 */
@NullMarked
package dev.herald.redis.internal.pubsub;

import org.jspecify.annotations.NullMarked;
