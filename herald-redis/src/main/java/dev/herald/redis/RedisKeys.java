package dev.herald.redis;

import io.lettuce.core.cluster.SlotHash;

/**
 * Where a Herald deployment keeps things in Redis (DESIGN section 5), for tools and programs in
 * other languages that publish to it or read it: every name starts with the bus's prefix
 * ({@link RedisEventBus.Builder#prefix(String)}, default {@code herald}). Stateless; thread-safe.
 */
public final class RedisKeys {

    /** The field of a stream entry that holds the event (its CloudEvent JSON). */
    public static final String STREAM_FIELD = "event";

    /**
     * The CloudEvents type of a Pub/Sub bus's heartbeat, published on {@link #heartbeat}. Types
     * beginning with {@code herald.} are reserved for Herald's control traffic: a bus refuses to
     * publish them or to subscribe a handler to them.
     */
    public static final String HEARTBEAT_TYPE = "herald.heartbeat";

    private RedisKeys() {
    }

    /** The Pub/Sub channel of an event type: {@code <prefix>:<type>}. */
    public static String channel(String prefix, String eventType) {
        return prefix + ":" + eventType;
    }

    /** The stream of an event type in Streams mode: {@code <prefix>:stream:<type>}. */
    public static String stream(String prefix, String eventType) {
        return prefix + ":stream:" + eventType;
    }

    /**
     * The Pub/Sub channel where a bus instance publishes its heartbeat, a CloudEvent of type
     * {@value #HEARTBEAT_TYPE}: {@code <prefix>:heartbeat:<instanceId>}.
     */
    public static String heartbeat(String prefix, String instanceId) {
        return prefix + ":heartbeat:" + instanceId;
    }

    /**
     * On Redis Cluster, the shard channel where a bus instance publishes the heartbeat of one
     * event type's channel, a CloudEvent of type {@value #HEARTBEAT_TYPE}:
     * {@code <prefix>:heartbeat:<instanceId>:{<key>}}, where {@code <key>} is what decides the
     * slot of the type's channel: its hash tag if it has one, else the whole channel name (or,
     * for a name with a '}' but no hash tag, the smallest whole number in the same slot). The
     * hash tag puts the heartbeat in the channel's slot: the same master serves both, and they
     * move together. For example {@code herald:heartbeat:a1b2:{herald:order.placed}}. (On a
     * cluster, a bus refuses an instance id with '{' or '}', which would take the tag's place.)
     */
    public static String shardHeartbeat(String prefix, String instanceId, String eventType) {
        String channel = channel(prefix, eventType);
        String key = hashKey(channel);
        String tag = key.indexOf('}') < 0 ? key : smallestNumberIn(SlotHash.getSlot(channel));
        return heartbeat(prefix, instanceId) + ":{" + tag + "}";
    }

    /** What Redis Cluster hashes of a key: the part between its first '{' and the next '}' if not empty, else all of it. */
    private static String hashKey(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return key.substring(open + 1, close);
            }
        }
        return key;
    }

    /** The smallest whole number, as text, that hashes to a slot (every slot has one below 110,000). */
    private static String smallestNumberIn(int slot) {
        for (int n = 0; ; n++) {
            String text = Integer.toString(n);
            if (SlotHash.getSlot(text) == slot) {
                return text;
            }
        }
    }

    /** The stream of dead letters: {@code <prefix>:dlq}. */
    public static String deadLetters(String prefix) {
        return prefix + ":dlq";
    }
}
