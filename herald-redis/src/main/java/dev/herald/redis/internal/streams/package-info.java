/**
 * The Redis Streams transport: consumer groups, reading, claiming, recording handler starts, acknowledging.
 *
 * <p>Herald's implementation, not API: classes here may change in any release. Depend on
 * {@code dev.herald} and {@code dev.herald.spi} instead.
 */
@NullMarked
package dev.herald.redis.internal.streams;

import org.jspecify.annotations.NullMarked;
