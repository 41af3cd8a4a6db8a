/** The Redis transport's implementation: not API. */
@NullMarked
package dev.herald.redis.internal;

import org.jspecify.annotations.NullMarked;
