package dev.herald.redis.internal;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Pauses and resumes reading from the subscriber connection's socket (Netty's {@code autoRead}),
 * so that a subscriber whose handlers are behind leaves further Pub/Sub messages in the kernel's
 * socket buffers and Redis's output buffer instead of discarding them. Redis keeps up to its
 * {@code client-output-buffer-limit pubsub} (default 32 MB) for a paused subscriber, and past it
 * disconnects it; Lettuce then reconnects and the publishers' sequence numbers count what was
 * missed.
 *
 * <p>Lettuce has no public switch for this, but its public {@code NettyCustomizer} sees every
 * channel: where the client's resources carry Herald's {@link ReadingChannels} (always for a
 * client Herald makes; for a user's client when built with {@code HeraldNetty.customizer()}),
 * the subscriber's Pub/Sub listener calls {@link #learn()} from its {@code subscribed} callback,
 * which runs within the read of the connection's current channel, after every reconnect too.
 * Elsewhere nothing is learnt ({@link #learnt()} stays false) and both calls do nothing: the
 * caller discards and counts as before. Thread-safe: Netty applies {@code autoRead} on the channel's event loop.
 */
public final class SocketReads {

    /** Never pauses. */
    public static final SocketReads NONE = new SocketReads(false);

    private final boolean learning;
    private volatile @Nullable Channel channel;

    private SocketReads(boolean learning) {
        this.learning = learning;
    }

    /**
     * A switch that learns the subscriber's socket from {@link #learn()}, which finds it where the
     * client's resources have {@link ReadingChannels}.
     */
    public static SocketReads learnable() {
        return new SocketReads(true);
    }

    /**
     * Called on the event loop by a callback of the subscriber connection (its {@code subscribed}
     * confirmations, which come again after a reconnect): takes the channel being read as the
     * connection's socket.
     */
    public void learn() {
        Channel reading = ReadingChannels.reading();
        if (learning && reading != null && reading != channel) {
            channel = reading;
        }
    }

    /**
     * Whether the connection's socket is known, so that {@link #pause()} can stop reading: false
     * where the client's resources lack {@link ReadingChannels}, or where listeners are not called
     * within the read (a client that publishes on a scheduler).
     */
    public boolean learnt() {
        return channel != null;
    }

    /**
     * Stops reading from the socket (what was read already is still decoded and handed on).
     *
     * @return false if there is no socket to pause (unsupported, not learnt yet, or closed by a
     *     reconnect: the next connection reads from the start)
     */
    public boolean pause() {
        return set(false);
    }

    /** Reads again: what waited in the socket and in Redis comes in. */
    public void resume() {
        set(true);
    }

    /**
     * Applied on the channel's event loop before returning (at once when called there), so that
     * once a pause returns, no further read begins: Netty applies a change made elsewhere later.
     */
    private boolean set(boolean read) {
        Channel c = channel;
        if (c == null || !c.isActive()) {
            return false;
        }
        if (c.eventLoop().inEventLoop()) {
            c.config().setAutoRead(read);
        } else {
            try {
                c.eventLoop().submit(() -> c.config().setAutoRead(read)).awaitUninterruptibly(APPLY_WAIT_MILLIS);
            } catch (RejectedExecutionException closing) {
                return false; // the client is shutting down: nothing more is read anyway
            }
        }
        return true;
    }

    /** How long a caller off the event loop waits for the change to be applied; a busy loop applies it later. */
    private static final long APPLY_WAIT_MILLIS = 1000;
}
