package dev.herald.redis.internal;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Lettuce {@link NettyCustomizer} that puts a small handler first in every channel's pipeline,
 * reconnects included: while a channel's read runs, {@link #reading()} names that channel on its
 * event loop thread. Lettuce decodes replies and calls Pub/Sub listeners within that read, so a
 * listener's callback learns its connection's current socket ({@link SocketReads}), and a reply
 * callback its connection's event loop ({@link EventLoops}), through public Netty API only.
 * Another customizer of the user's runs after it. Costs two thread-local writes per read (not per
 * message). Thread-safe; the handler is shared by all channels.
 */
public final class ReadingChannels implements NettyCustomizer {

    private static final String NAME = "herald-reading";
    private static final FastThreadLocal<@Nullable Channel> READING = new FastThreadLocal<>();
    private static final Marker MARKER = new Marker();

    private final NettyCustomizer next;

    /**
     * @param next the user's customizer, called after this one's work
     */
    public ReadingChannels(NettyCustomizer next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void afterBootstrapInitialized(Bootstrap bootstrap) {
        next.afterBootstrapInitialized(bootstrap);
    }

    @Override
    public void afterChannelInitialized(Channel channel) {
        if (channel.pipeline().get(NAME) == null) { // installed twice: once is enough
            channel.pipeline().addFirst(NAME, MARKER);
        }
        next.afterChannelInitialized(channel);
    }

    /** The channel whose read is running on this thread, or null (off Netty, or outside a read). */
    static @Nullable Channel reading() {
        return READING.get();
    }

    @ChannelHandler.Sharable
    private static final class Marker extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            READING.set(ctx.channel());
            try {
                ctx.fireChannelRead(msg);
            } finally {
                READING.set(null);
            }
        }
    }
}
