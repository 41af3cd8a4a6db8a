/**
 * Handing received events to handlers: per-handler worker lanes, the handler pipeline, retries and the handling context.
 *
 * <p>Herald's implementation, not API: classes here may change in any release. Depend on
 * {@code dev.herald} and {@code dev.herald.spi} instead.
 */
@NullMarked
package dev.herald.internal.dispatch;

import org.jspecify.annotations.NullMarked;
