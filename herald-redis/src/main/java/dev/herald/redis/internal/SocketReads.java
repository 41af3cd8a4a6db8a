package dev.herald.redis.internal;

import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.protocol.DefaultEndpoint;
import io.netty.channel.Channel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses and resumes reading from a Lettuce connection's socket (Netty's {@code autoRead}), so
 * that a subscriber whose handlers are behind leaves further Pub/Sub messages in the kernel's
 * socket buffers and Redis's output buffer instead of discarding them. Redis keeps up to its
 * {@code client-output-buffer-limit pubsub} (default 32 MB) for a paused subscriber, and past it
 * disconnects it; Lettuce then reconnects and the publishers' sequence numbers count what was
 * missed.
 *
 * <p>Lettuce has no public switch for this: the connection's socket is found in its endpoint
 * (the field {@code DefaultEndpoint.channel}, looked up again on each call, since a reconnect
 * makes a new one). Where that is not possible (another Lettuce version, a connection of another
 * kind), {@link #supported()} is false and both calls do nothing: the caller discards and counts
 * as before. Thread-safe: Netty applies {@code autoRead} on the channel's event loop.
 */
final class SocketReads {

    private static final Logger log = LoggerFactory.getLogger(SocketReads.class);
    private static final @Nullable VarHandle CHANNEL = channelField();

    /** Never pauses. */
    static final SocketReads NONE = new SocketReads(null);

    private final @Nullable DefaultEndpoint endpoint;

    private SocketReads(@Nullable DefaultEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** The switch for a connection's socket; unsupported (doing nothing) where it cannot be found. */
    static SocketReads of(StatefulConnection<?, ?> connection) {
        DefaultEndpoint found = null;
        if (CHANNEL != null && connection instanceof RedisChannelHandler<?, ?> handler) {
            RedisChannelWriter writer = handler.getChannelWriter();
            for (int depth = 0; depth < 8 && writer instanceof Delegating<?> delegating
                    && delegating.getDelegate() instanceof RedisChannelWriter inner; depth++) {
                writer = inner;
            }
            if (writer instanceof DefaultEndpoint endpoint) {
                found = endpoint;
            }
        }
        if (found == null) {
            log.info("Cannot pause reading from {}: a subscriber whose handlers fall far behind discards (and counts) "
                    + "the events its buffer cannot take", connection);
        }
        return new SocketReads(found);
    }

    private static @Nullable VarHandle channelField() {
        try {
            return MethodHandles.privateLookupIn(DefaultEndpoint.class, MethodHandles.lookup())
                    .findVarHandle(DefaultEndpoint.class, "channel", Channel.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Lettuce's DefaultEndpoint.channel is not accessible", e);
            return null;
        }
    }

    /** Whether {@link #pause()} really stops reading. */
    boolean supported() {
        return endpoint != null;
    }

    /**
     * Stops reading from the socket (what was read already is still decoded and handed on).
     *
     * @return false if there is no socket to pause (unsupported, or reconnecting: the next
     *     connection reads from the start)
     */
    boolean pause() {
        return set(false);
    }

    /** Reads again: what waited in the socket and in Redis comes in. */
    void resume() {
        set(true);
    }

    private boolean set(boolean read) {
        if (endpoint == null || CHANNEL == null) {
            return false;
        }
        Channel channel = (Channel) CHANNEL.getVolatile(endpoint);
        if (channel == null) {
            return false;
        }
        channel.config().setAutoRead(read);
        return true;
    }
}
