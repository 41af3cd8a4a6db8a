package dev.herald.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Per event type, the Redis channel or stream it is published to, named and encoded once: no
 * string building on each publish. Thread-safe.
 */
public final class KeysByType {

    /** A key's name (for messages) and its bytes (for commands). */
    public record Key(String name, byte[] bytes) {
    }

    private final UnaryOperator<String> naming;
    private final Map<String, Key> byType = new ConcurrentHashMap<>();

    /** @param naming from an event type to its key, e.g. {@code t -> RedisKeys.stream(prefix, t)} */
    public KeysByType(UnaryOperator<String> naming) {
        this.naming = naming;
    }

    public Key of(String eventType) {
        return byType.computeIfAbsent(eventType, type -> {
            String name = naming.apply(type);
            return new Key(name, name.getBytes(StandardCharsets.UTF_8));
        });
    }
}
