/**
 * The bus core that every public bus delegates to: publishing, subscriptions, lifecycle and shutdown.
 *
 * <p>Herald's implementation, not API: classes here may change in any release. Depend on
 * {@code dev.herald} and {@code dev.herald.spi} instead.
 */
@NullMarked
package dev.herald.internal.bus;

import org.jspecify.annotations.NullMarked;
