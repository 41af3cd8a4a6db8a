/**
 * The in-memory transport: an {@link dev.herald.EventBus} inside one JVM, for single-process
 * applications and for users' tests. Start from {@link dev.herald.memory.InMemoryEventBus}.
 */
@NullMarked
package dev.herald.memory;

import org.jspecify.annotations.NullMarked;
