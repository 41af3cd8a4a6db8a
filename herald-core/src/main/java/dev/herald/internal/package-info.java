/**
 * Herald's implementation: not API. Classes here may change in any release; depend on
 * {@code dev.herald} and {@code dev.herald.spi} instead.
 */
@NullMarked
package dev.herald.internal;

import org.jspecify.annotations.NullMarked;
