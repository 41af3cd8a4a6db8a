package dev.herald.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * Deletes a whole Herald deployment from Redis: every key under its prefix (the streams with their
 * consumer groups, the dead letters). For tests, benchmarks and tearing down a deployment, never
 * while a bus still uses the prefix. Uses {@code SCAN} (not {@code KEYS}, which blocks Redis) and
 * {@code UNLINK}. Thread-safe (stateless).
 */
public final class RedisCleanup {

    private RedisCleanup() {
    }

    /**
     * Deletes every key that starts with {@code prefix + ":"}.
     *
     * @param uri the Redis, as {@link io.lettuce.core.RedisURI} takes it
     * @param prefix the deployment's prefix, such as {@code herald}; not empty
     * @return how many keys were deleted
     * @throws IllegalArgumentException if the prefix is empty or holds a glob character
     */
    public static long deleteAll(String uri, String prefix) {
        if (prefix.isEmpty() || prefix.matches(".*[*?\\[\\]\\\\].*")) {
            throw new IllegalArgumentException("prefix must be a deployment's prefix such as 'herald', without glob characters, but was '"
                    + prefix + "'");
        }
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanArgs match = ScanArgs.Builder.matches(prefix + ":*").limit(1000);
            long deleted = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, match);
                if (!page.getKeys().isEmpty()) {
                    deleted += redis.unlink(page.getKeys().toArray(new String[0]));
                }
                cursor = page;
            } while (!cursor.isFinished());
            return deleted;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
