/**
 * The wire format: CloudEvents JSON encoding and decoding, event type names, event ids.
 *
 * <p>Herald's implementation, not API: classes here may change in any release. Depend on
 * {@code dev.herald} and {@code dev.herald.spi} instead.
 */
@NullMarked
package dev.herald.internal.codec;

import org.jspecify.annotations.NullMarked;
