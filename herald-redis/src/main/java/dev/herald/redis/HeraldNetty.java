package dev.herald.redis;

import dev.herald.redis.internal.ReadingChannels;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.NettyCustomizer;
import java.util.Objects;

/**
 * The Lettuce {@link NettyCustomizer} to install in the {@code ClientResources} of a
 * {@code RedisClient} you pass to {@link RedisEventBus#builder(RedisClient)}, so
 * that a Pub/Sub bus on it can pause reading from Redis while its handlers catch up, as a bus
 * built from a URI always does:
 *
 * <pre>{@code
 * ClientResources resources = ClientResources.builder()
 *         .nettyCustomizer(HeraldNetty.customizer())      // or HeraldNetty.customizer(yourOwn)
 *         .build();
 * RedisClient client = RedisClient.create(resources, "redis://localhost:6379");
 * EventBus bus = RedisEventBus.builder(client).build();
 * }</pre>
 *
 * <p>Without it, a bus on that client cannot pause reads: it logs a warning once, reports
 * {@link PubSubHealth#canPauseReads()} false in its health, and when handlers fall behind by more
 * than the subscriber buffer, further events are discarded and counted ({@code discardedEvents},
 * {@code missedEvents}). The customizer puts one small handler first in each connection's Netty
 * pipeline that notes which connection is reading; it changes nothing else, and other
 * connections of the client are unaffected. Thread-safe; null is never accepted.
 */
public final class HeraldNetty {

    private HeraldNetty() {
    }

    /**
     * Herald's customizer alone.
     *
     * @return a customizer for {@code ClientResources.builder().nettyCustomizer(...)}
     */
    public static NettyCustomizer customizer() {
        return new ReadingChannels(new NettyCustomizer() { });
    }

    /**
     * Herald's customizer followed by yours (a {@code ClientResources} takes only one).
     *
     * @param yours your customizer, called after Herald's for every bootstrap and channel
     * @return a customizer for {@code ClientResources.builder().nettyCustomizer(...)}
     */
    public static NettyCustomizer customizer(NettyCustomizer yours) {
        return new ReadingChannels(Objects.requireNonNull(yours, "yours"));
    }
}
