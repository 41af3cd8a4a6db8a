/**
 * Spring Modulith's event externalization to Redis through Herald:
 * {@link dev.herald.spring.modulith.HeraldExternalizationAutoConfiguration} sends the application
 * events marked for externalization ({@code @Externalized}) through the application's
 * {@code EventBus}, with Spring Modulith's event publication registry recording their completion.
 *
 * <p>Nulls: nothing in this package accepts or returns {@code null} unless marked {@code @Nullable}.
 */
@NullMarked
package dev.herald.spring.modulith;

import org.jspecify.annotations.NullMarked;
