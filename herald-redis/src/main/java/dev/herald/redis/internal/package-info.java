/**
 * What both Redis transports share: connections and their event loops, reliable sending, the
 * Lettuce version check, and the Redis dead-letter store.
 *
 * <p>Herald's implementation, not API: classes here may change in any release. Depend on
 * {@code dev.herald.redis} instead.
 */
@NullMarked
package dev.herald.redis.internal;

import org.jspecify.annotations.NullMarked;
