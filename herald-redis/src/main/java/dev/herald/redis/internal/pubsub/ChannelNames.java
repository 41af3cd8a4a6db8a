package dev.herald.redis.internal.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The names of the channels messages arrive on, for one subscriber connection, read on its event
 * loop: most messages come on the channel of the one before, so its name is kept and compared
 * by bytes, no new string (and its hash, for the lookups that follow, already known).
 */
final class ChannelNames {

    /** A channel's name and its bytes as they arrive. */
    private record Last(byte[] bytes, String name) {
    }

    /**
     * The channel of the last message: one immutable pair, so that a reconnect that moves the
     * connection to another event loop thread can only miss it, never read half of it.
     */
    private Last last = new Last(new byte[0], "");

    /** The name of the channel a message arrived on. */
    String of(byte[] channel) {
        Last known = last;
        if (Arrays.equals(channel, known.bytes())) {
            return known.name();
        }
        String name = new String(channel, StandardCharsets.UTF_8);
        last = new Last(channel, name);
        return name;
    }
}
