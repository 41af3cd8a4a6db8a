package dev.herald.spring.boot;

import dev.herald.redis.RedisEventBus;

/**
 * Changes the builder of the application's bus after the {@code herald.*} properties are set
 * on it and before it is built: for what properties cannot say, such as an
 * {@code ObjectMapper}, types registered by hand or a thread factory. Each bean of this type is
 * called, in their {@code @Order}.
 *
 * <p>Called once per bus, on the thread that makes the bean, while the context's singletons are
 * made; the builder is not thread-safe and is not to be kept or used after the call.
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
