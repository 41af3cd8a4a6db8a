/**
 * Herald's public API: publish and handle domain events, with retries, dead letters and a
 * graceful shutdown.
 *
 * <p>Start from {@link dev.herald.EventBus}. Events are plain classes (records are best) named
 * on the wire by {@link dev.herald.EventType @EventType}; handlers receive them wrapped in an
 * {@link dev.herald.Envelope} that carries the CloudEvents attributes. Transports live in their
 * own packages: {@code dev.herald.memory} (in one JVM) and {@code dev.herald.redis} (module
 * herald-redis).
 *
 * <p>Nulls: nothing in this package accepts or returns {@code null} unless marked
 * {@code @Nullable}; public entry points reject a {@code null} argument with a
 * {@link java.lang.NullPointerException} naming it.
 */
@NullMarked
package dev.herald;

import org.jspecify.annotations.NullMarked;
