/**
 * Herald in Spring applications: {@link dev.herald.spring.HeraldListener} marks a bean method as
 * an event handler. The Spring Boot auto-configuration is in {@code dev.herald.spring.boot}.
 *
 * <p>Nulls: nothing in this package accepts or returns {@code null} unless marked {@code @Nullable}.
 */
@NullMarked
package dev.herald.spring;

import org.jspecify.annotations.NullMarked;
