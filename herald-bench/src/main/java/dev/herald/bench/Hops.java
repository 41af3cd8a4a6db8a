package dev.herald.bench;

import dev.herald.redis.HeraldNetty;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.PubSubCommandHandler;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Where one event's latency goes, hop by hop, for the variants built on Lettuce (Herald and raw
 * Lettuce alike): a Netty handler next to the socket of every connection notes when a publishing
 * connection's flush returned (the command was written to the socket) and when a Pub/Sub
 * connection's read began; the subscriber's callback adds the publish call and its own entry.
 * On with {@code -Dherald.bench.hops=true}; printed to stderr after each measured run (stdout
 * stays the table or the one JSON line).
 *
 * <p>The notes are the latest flush and read, not per event: an event is counted only when its
 * four times are in order (publish, written, read, callback), which holds when one event is in
 * flight at a time, as at a paced {@code --rate}. At full speed most events are skipped and the
 * figures mean little. Costs a volatile write per flush and per read, so leave it off for
 * throughput figures.
 */
final class Hops {

    private static final String[] NAMES = {
        "publish call -> written to the socket",
        "written -> read by the subscriber",
        "read -> subscriber callback",
    };

    private static volatile long written;
    private static volatile long read;
    private static final Histogram[] HOPS = {new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3),
        new Histogram(60_000_000L, 3)};
    private static long skipped;

    private Hops() {
    }

    static boolean enabled() {
        return Boolean.getBoolean("herald.bench.hops");
    }

    /**
     * A client with resources of its own whose connections note their flushes (commands) and reads
     * (Pub/Sub) when hops are on; for Herald's buses ({@code herald}) also with
     * {@link HeraldNetty#customizer()}, as Herald's own client has, so that reads can pause.
     */
    static RedisClient client(String uri, boolean herald) {
        NettyCustomizer stamps = !enabled() ? new NettyCustomizer() { } : new NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                channel.pipeline().addFirst("herald-bench-hops", new Stamp());
            }
        };
        return RedisClient.create(ClientResources.builder()
                .nettyCustomizer(herald ? HeraldNetty.customizer(stamps) : stamps).build(), uri);
    }

    /** Shuts down a client from {@link #client(String, boolean)}, and the resources made for it. */
    static void shutdown(RedisClient client) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** Called by a subscriber's callback. */
    static synchronized void record(long sentNanos, long nowNanos) {
        long w = written;
        long r = read;
        if (sentNanos <= w && w <= r && r <= nowNanos) {
            HOPS[0].recordValue(Math.min((w - sentNanos) / 1000, 60_000_000L));
            HOPS[1].recordValue(Math.min((r - w) / 1000, 60_000_000L));
            HOPS[2].recordValue(Math.min((nowNanos - r) / 1000, 60_000_000L));
        } else {
            skipped++;
        }
    }

    /** Prints the run's hops and starts over; prints nothing for variants that note none. */
    static synchronized void report(String variant) {
        if (HOPS[0].getTotalCount() > 0) {
            System.err.printf(Locale.ROOT, "hops %s: %d events in order, %d skipped (more than one in flight)%n",
                    variant, HOPS[0].getTotalCount(), skipped);
            for (int i = 0; i < HOPS.length; i++) {
                System.err.printf(Locale.ROOT, "hops %s:   %-38s p50 %6d us  p90 %6d us  p99 %6d us  p999 %6d us%n",
                        variant, NAMES[i], HOPS[i].getValueAtPercentile(50), HOPS[i].getValueAtPercentile(90),
                        HOPS[i].getValueAtPercentile(99), HOPS[i].getValueAtPercentile(99.9));
            }
        }
        reset();
    }

    static synchronized void reset() {
        for (Histogram h : HOPS) {
            h.reset();
        }
        skipped = 0;
    }

    /** Next to the socket: outbound flushes pass it last, inbound reads first. One per channel. */
    private static final class Stamp extends ChannelDuplexHandler {
        private int kind; // 0 not known yet, 1 Pub/Sub, 2 commands: known once Lettuce's handlers are in; event loop only

        private boolean subscriber(ChannelHandlerContext ctx) {
            if (kind == 0) {
                kind = ctx.pipeline().get(PubSubCommandHandler.class) != null ? 1 : 2;
            }
            return kind == 1;
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!subscriber(ctx)) {
                written = System.nanoTime();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (subscriber(ctx)) {
                read = System.nanoTime();
            }
            ctx.fireChannelRead(msg);
        }
    }
}
