/**
 * Dead letters: writing them (also at shutdown), oversized messages, and the bus's dead-letter queue.
 *
 * <p>Herald's implementation, not API: classes here may change in any release. Depend on
 * {@code dev.herald} and {@code dev.herald.spi} instead.
 */
@NullMarked
package dev.herald.internal.deadletter;

import org.jspecify.annotations.NullMarked;
