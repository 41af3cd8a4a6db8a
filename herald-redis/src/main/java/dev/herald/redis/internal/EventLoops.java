package dev.herald.redis.internal;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Netty event loop running the current thread, for work that should run in batches on
 * a connection's event loop ({@link EventLoopBatchRunner}). Where Herald's {@link ReadingChannels} is
 * installed, that is the reading channel's {@link Channel#eventLoop()}; otherwise the loop of the
 * client's I/O group (from Lettuce's {@link EventLoopGroupProvider}) whose
 * {@link EventLoop#inEventLoop()} is true. Public API of Lettuce and Netty only. Callers keep the
 * loop they found and ask again only when a reply comes on another thread (a reconnect), see
 * {@link #current(EventLoop)}. Thread-safe.
 */
public final class EventLoops {

    private static final Logger log = LoggerFactory.getLogger(EventLoops.class);

    private final @Nullable ClientResources resources;
    private final Object lock = new Object();
    private volatile @Nullable EventLoopGroup group;
    private boolean allocated;
    private volatile boolean released;

    /** Only the loops of channels read through {@link ReadingChannels}: for tests. */
    public static final EventLoops READING_ONLY = new EventLoops(null);

    /**
     * @param resources the client's resources, for its I/O group; null to look only at
     *     {@link ReadingChannels}
     */
    public EventLoops(@Nullable ClientResources resources) {
        this.resources = resources;
    }

    /**
     * The event loop running this thread: {@code known} when it is that loop (no lookup), else
     * found again; null off Netty or where it cannot be known.
     */
    public @Nullable EventLoop current(@Nullable EventLoop known) {
        if (known != null && known.inEventLoop()) {
            return known;
        }
        Channel reading = ReadingChannels.reading();
        if (reading != null) {
            return reading.eventLoop();
        }
        EventLoopGroup g = group();
        if (g != null) {
            for (EventExecutor loop : g) {
                if (loop.inEventLoop() && loop instanceof EventLoop found) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The I/O group Lettuce connects TCP sockets with; allocated once (a reference Lettuce counts). */
    private @Nullable EventLoopGroup group() {
        EventLoopGroup g = group;
        if (g != null || released || resources == null) {
            return g;
        }
        synchronized (lock) {
            if (!allocated && !released) {
                allocated = true;
                try {
                    group = resources.eventLoopGroupProvider().allocate(Transports.eventLoopGroupClass());
                } catch (RuntimeException e) {
                    log.debug("Cannot find the client's event loops; batches run on the thread that asks", e);
                }
            }
            return group;
        }
    }

    /** Gives back the reference to the I/O group, if one was taken. */
    public void release() {
        synchronized (lock) {
            released = true;
            EventLoopGroup g = group;
            group = null;
            if (g != null && resources != null) {
                resources.eventLoopGroupProvider().release(g, 0, 0, TimeUnit.SECONDS);
            }
        }
    }
}
