/**
 * Spring Boot auto-configuration of a Herald bus: {@link dev.herald.spring.boot.HeraldAutoConfiguration}
 * makes the application's {@code EventBus} on its Redis, {@link dev.herald.spring.boot.HeraldProperties}
 * holds the settings under {@code herald.}, and
 * {@link dev.herald.spring.boot.HeraldListenerAutoConfiguration} starts the bus with its
 * {@code @HeraldListener} methods.
 *
 * <p>Nulls: nothing in this package accepts or returns {@code null} unless marked {@code @Nullable}.
 */
@NullMarked
package dev.herald.spring.boot;

import org.jspecify.annotations.NullMarked;
