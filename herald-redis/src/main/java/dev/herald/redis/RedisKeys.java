package dev.herald.redis;

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

    /** The stream of dead letters: {@code <prefix>:dlq}. */
    public static String deadLetters(String prefix) {
        return prefix + ":dlq";
    }
}
