package dev.herald.spring.boot;

import dev.herald.redis.RedisEventBus;

/**
 * Changes the builder of the application's bus after the {@code herald.*} properties are set
 * on it and before it is built: for what properties cannot say, such as an
 * {@code ObjectMapper}, types registered by hand or a thread factory. Each bean of this type is
 * called, in their {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * HeraldBusCustomizer heraldTypes() {
 *     return builder -> builder.registerType("order.placed", OrderPlaced.class);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface HeraldBusCustomizer {

    /**
     * Changes the builder.
     *
     * @param builder the builder of the application's bus
     */
    void customize(RedisEventBus.Builder builder);
}
