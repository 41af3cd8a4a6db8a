package dev.herald.redis.internal;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Pauses and resumes reading from the subscriber connections' sockets (Netty's {@code autoRead}),
 * so that a subscriber whose handlers are behind leaves further Pub/Sub messages in the kernel's
 * socket buffers and Redis's output buffer instead of discarding them. Redis keeps up to its
 * {@code client-output-buffer-limit pubsub} (default 32 MB) for a paused subscriber, and past it
 * disconnects it; Lettuce then reconnects and the publishers' sequence numbers count what was
 * missed.
 *
 * <p>Lettuce has no public switch for this, but its public {@code NettyCustomizer} sees every
 * channel: where the client's resources carry Herald's {@link ReadingChannels} (always for a
 * client Herald makes; for a user's client when built with {@code HeraldNetty.customizer()}),
 * each subscriber connection's Pub/Sub listener calls {@link #learn()} from its
 * {@code subscribed} (or {@code ssubscribed}) callback, which runs within the read of the
 * connection's current channel, after every reconnect too. One switch serves every connection
 * that learns it (the one connection to a server, or one per master of a cluster): a pause
 * stops them all, a socket learnt while paused is paused at once, and sockets that closed are
 * forgotten. Elsewhere nothing is learnt ({@link #learnt()} stays false) and both calls do
 * nothing: the caller discards and counts as before. Thread-safe: Netty applies
 * {@code autoRead} on each channel's event loop.
 */
public final class SocketReads {

    /** Never pauses. */
    public static final SocketReads NONE = new SocketReads(false);

    private final boolean learning;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    /** Whether reads should be paused now: a socket learnt meanwhile is paused as it is learnt. */
    private volatile boolean paused;
    private volatile boolean learntOnce;

    private SocketReads(boolean learning) {
        this.learning = learning;
    }

    /**
     * A switch that learns the subscribers' sockets from {@link #learn()}, which finds them where
     * the client's resources have {@link ReadingChannels}.
     */
    public static SocketReads learnable() {
        return new SocketReads(true);
    }

    /**
     * Called on the event loop by a callback of a subscriber connection (its subscribe
     * confirmations, which come again after a reconnect): takes the channel being read as one of
     * the subscribers' sockets, paused at once if reads are paused now.
     */
    public void learn() {
        Channel reading = ReadingChannels.reading();
        if (!learning || reading == null || channels.contains(reading)) {
            return;
        }
        learntOnce = true;
        channels.removeIf(c -> !c.isActive()); // sockets of connections that closed or reconnected
        channels.add(reading); // first, then the flag: a pause() meanwhile either sees it or is seen
        if (paused) {
            reading.config().setAutoRead(false); // on its event loop: the rest of this read is still decoded
        }
    }

    /**
     * Whether a connection's socket was learnt, so that {@link #pause()} can stop reading: false
     * where the client's resources lack {@link ReadingChannels}, or where listeners are not called
     * within the read (a client that publishes on a scheduler).
     */
    public boolean learnt() {
        return learntOnce;
    }

    /** How many sockets were learnt and not yet found closed: each can bring one read after a pause. */
    public int sockets() {
        return channels.size();
    }

    /**
     * Stops reading from every socket learnt (what was read already is still decoded and handed on).
     *
     * @return false if there is no socket to pause (unsupported, not learnt yet, or every one
     *     closed by a reconnect: the next connection reads from the start)
     */
    public boolean pause() {
        paused = true;
        if (setAll(false)) {
            return true;
        }
        paused = false;
        setAll(true); // a socket learnt meanwhile may have taken the pause: nobody would resume it
        return false;
    }

    /** Reads again: what waited in the sockets and in Redis comes in. */
    public void resume() {
        paused = false;
        setAll(true);
    }

    /** Applies to every socket still open; whether there was one. */
    private boolean setAll(boolean read) {
        boolean onEventLoop = Thread.currentThread() instanceof FastThreadLocalThread;
        for (Channel c : channels) {
            onEventLoop |= c.eventLoop().inEventLoop();
        }
        boolean any = false;
        for (Channel c : channels) {
            any |= set(c, read, onEventLoop);
        }
        return any;
    }

    /**
     * Applied on the channel's event loop before returning (at once when called there), so that
     * once a pause returns, no further read begins: Netty applies a change made elsewhere later.
     * Called on an event loop (a subscriber's intake filling up within a read), it never waits
     * for another channel's loop (STYLE: no blocking there): {@code setAutoRead} is thread-safe,
     * and that channel stops reading once its loop has finished the read it may be in.
     */
    private static boolean set(Channel c, boolean read, boolean onEventLoop) {
        if (!c.isActive()) {
            return false;
        }
        if (onEventLoop || c.eventLoop().inEventLoop()) {
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
