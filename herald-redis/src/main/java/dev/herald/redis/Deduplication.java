package dev.herald.redis;

import dev.herald.EventHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Objects;

/**
 * Opt-in deduplication for handlers that cannot be idempotent: a wrapped handler skips an event
 * whose id it already completed. Streams mode delivers at least once (a consumer that crashes
 * after handling but before acknowledging sees its entry handled again elsewhere); this turns
 * that into at most one completed run per event id, within the TTL.
 *
 * <pre>{@code
 * Deduplication dedup = Deduplication.create(client, "charge-card", Duration.ofDays(1));
 * bus.subscribe(OrderPlaced.class, "charge-card", dedup.wrap(e -> payments.charge(e.payload())));
 * }</pre>
 *
 * <p>Each completed id is remembered in Redis ({@code herald:dedup:<scope>:<event id>}, written
 * with {@code SET NX} and the TTL) after the handler returned. Two deliveries of one event running
 * at the same moment can still both run; the usual at-least-once cause, a redelivery after a
 * crash, cannot. Thread-safe; {@link #close()} closes its connection.
 */
public final class Deduplication implements AutoCloseable {

    private final StatefulRedisConnection<String, String> connection;
    private final String keyPrefix;
    private final SetArgs setArgs;

    private Deduplication(StatefulRedisConnection<String, String> connection, String keyPrefix, Duration ttl) {
        this.connection = connection;
        this.keyPrefix = keyPrefix;
        this.setArgs = SetArgs.Builder.nx().px(ttl.toMillis());
    }

    /**
     * Creates a deduplication scope.
     *
     * @param client the Redis client (the caller keeps owning it)
     * @param scope names the handler, e.g. its handler name; 1 to 200 characters without white space
     * @param ttl how long a completed id is remembered; at least 1 ms
     * @return the deduplication, with its own connection
     */
    public static Deduplication create(RedisClient client, String scope, Duration ttl) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(ttl, "ttl");
        if (scope.isEmpty() || scope.length() > 200 || scope.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("scope must be 1 to 200 characters without white space but was '" + scope + "'");
        }
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms but was " + ttl);
        }
        return new Deduplication(client.connect(), "herald:dedup:" + scope + ":", ttl);
    }

    /**
     * Wraps a handler so that it skips events it already completed.
     *
     * @param handler the handler
     * @param <E> the payload type
     * @return the deduplicating handler
     */
    public <E> EventHandler<E> wrap(EventHandler<E> handler) {
        Objects.requireNonNull(handler, "handler");
        return envelope -> {
            String key = keyPrefix + envelope.id();
            if (connection.sync().exists(key) > 0) {
                return; // completed before: this is a redelivery
            }
            handler.handle(envelope);
            connection.sync().set(key, "1", setArgs);
        };
    }

    @Override
    public void close() {
        connection.close();
    }
}
