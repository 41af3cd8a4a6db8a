package dev.herald.redis;

import dev.herald.EventHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
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
 * crash, cannot. On a Redis Cluster each id's key is one key in its own slot, written on the master
 * that owns it. Thread-safe; {@link #close()} closes its connection.
 */
public final class Deduplication implements AutoCloseable {

    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> redis;
    private final String keyPrefix;
    private final SetArgs setArgs;

    private Deduplication(StatefulConnection<String, String> connection, RedisClusterCommands<String, String> redis,
            String scope, Duration ttl) {
        this.connection = connection;
        this.redis = redis;
        this.keyPrefix = "herald:dedup:" + scope + ":";
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
        check(scope, ttl);
        StatefulRedisConnection<String, String> connection = client.connect();
        return new Deduplication(connection, connection.sync(), scope, ttl);
    }

    /**
     * Creates a deduplication scope on a Redis Cluster: each completed id is remembered on the
     * master of its key's slot.
     *
     * @param cluster the Redis Cluster client (the caller keeps owning it)
     * @param scope names the handler, e.g. its handler name; 1 to 200 characters without white space
     * @param ttl how long a completed id is remembered; at least 1 ms
     * @return the deduplication, with its own connection
     */
    public static Deduplication create(RedisClusterClient cluster, String scope, Duration ttl) {
        Objects.requireNonNull(cluster, "cluster");
        check(scope, ttl);
        StatefulRedisClusterConnection<String, String> connection = cluster.connect();
        return new Deduplication(connection, connection.sync(), scope, ttl);
    }

    private static void check(String scope, Duration ttl) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(ttl, "ttl");
        if (scope.isEmpty() || scope.length() > 200 || scope.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("scope must be 1 to 200 characters without white space but was '" + scope + "'");
        }
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms but was " + ttl);
        }
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
            if (redis.exists(key) > 0) {
                return; // completed before: this is a redelivery
            }
            handler.handle(envelope);
            redis.set(key, "1", setArgs);
        };
    }

    @Override
    public void close() {
        connection.close();
    }
}
