/**
 * The implementation of Herald's Spring Boot integration: not API, and may change in any release.
 */
@NullMarked
package dev.herald.spring.internal;

import org.jspecify.annotations.NullMarked;
