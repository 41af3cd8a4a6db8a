package dev.herald.redis;

import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;

/**
 * Deletes a whole Herald deployment from Redis: every key under its prefix (the streams with their
 * consumer groups, the dead letters). For tests, benchmarks and tearing down a deployment, never
 * while a bus still uses the prefix. Uses {@code SCAN} (not {@code KEYS}, which blocks Redis) and
 * {@code UNLINK}. On a Redis Cluster, where {@code SCAN} sees one node's keys only, it scans every
 * master on a connection of its own and unlinks each key on its slot's master (never a multi-key
 * command across slots); it refuses, deleting nothing, while a master the cluster flags
 * {@code FAIL} still owns slots (their keys cannot be reached until a replica takes over or the
 * node is back), rather than leave their keys and report success. Thread-safe (stateless).
 */
public final class RedisCleanup {

    private static final int SCAN_PAGE = 1000;

    private RedisCleanup() {
    }

    /**
     * Deletes every key that starts with {@code prefix + ":"}.
     *
     * @param uri the Redis, in a form {@link RedisTarget} takes, such as {@code redis://host:6379} or
     *     for a Redis Cluster {@code redis-cluster://host:port[,host:port...]}
     * @param prefix the deployment's prefix, such as {@code herald}; not empty
     * @return how many keys were deleted
     * @throws IllegalArgumentException if the prefix is empty or holds a glob character, or the
     *     URI is not one Herald takes
     * @throws IllegalStateException on a Redis Cluster with a master flagged {@code FAIL} that
     *     still owns slots, naming it; nothing was deleted
     */
    public static long deleteAll(String uri, String prefix) {
        checkPrefix(prefix);
        RedisTarget target = RedisTarget.parse(uri);
        if (target.isCluster()) {
            RedisClusterClient cluster = RedisClusterClient.create(target.nodes());
            try {
                return deleteAll(cluster, prefix);
            } finally {
                cluster.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
        RedisClient client = RedisClient.create(target.nodes().get(0));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanArgs match = ScanArgs.Builder.matches(prefix + ":*").limit(SCAN_PAGE);
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

    /**
     * Deletes every key that starts with {@code prefix + ":"} on every master of a Redis Cluster,
     * as the cluster's topology is when called.
     *
     * @param cluster the Redis Cluster client (the caller keeps owning it)
     * @param prefix the deployment's prefix, such as {@code herald}; not empty
     * @return how many keys were deleted
     * @throws IllegalArgumentException if the prefix is empty or holds a glob character
     * @throws IllegalStateException if a master flagged {@code FAIL} still owns slots, naming it
     *     and how many slots; nothing was deleted
     */
    public static long deleteAll(RedisClusterClient cluster, String prefix) {
        Objects.requireNonNull(cluster, "cluster");
        checkPrefix(prefix);
        RedisEndpoint endpoint = RedisEndpoint.shared(cluster);
        try (RedisConnection routed = endpoint.connect()) {
            cluster.refreshPartitions(); // the masters as they are now, not as the client last saw them
            refuseFailedMasters(cluster, prefix);
            ScanArgs match = ScanArgs.Builder.matches(prefix + ":*").limit(SCAN_PAGE);
            long deleted = 0;
            for (RedisClusterNode master : endpoint.topology().masters()) {
                try (StatefulRedisConnection<byte[], byte[]> node = endpoint.connectToNode(master)) {
                    ScanCursor cursor = ScanCursor.INITIAL;
                    do {
                        KeyScanCursor<byte[]> page = node.sync().scan(cursor, match);
                        deleted += unlinkEach(routed, page.getKeys());
                        cursor = page;
                    } while (!cursor.isFinished());
                }
            }
            return deleted;
        } finally {
            endpoint.shutdown(); // its node connections' client; the cluster client stays the caller's
        }
    }

    /** A master flagged FAIL that still owns slots holds keys no other node serves: SCAN cannot reach them. */
    private static void refuseFailedMasters(RedisClusterClient cluster, String prefix) {
        List<String> failed = new ArrayList<>();
        for (RedisClusterNode node : cluster.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && node.is(RedisClusterNode.NodeFlag.FAIL)
                    && !node.getSlots().isEmpty()) {
                failed.add(node.getUri().getHost() + ":" + node.getUri().getPort() + " (" + node.getSlots().size() + " slots)");
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("cannot delete the keys under '" + prefix + "' on every master: the cluster flags "
                    + String.join(", ", failed) + " FAIL while still owning slots, so their keys cannot be reached; nothing"
                    + " was deleted. Retry once a replica has taken over those slots or the node is back");
        }
    }

    /** One UNLINK per key, pipelined, each routed to its slot's master. */
    private static long unlinkEach(RedisConnection routed, List<byte[]> keys) {
        List<RedisFuture<Long>> unlinked = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            unlinked.add(routed.async().unlink(key));
        }
        if (!LettuceFutures.awaitAll(routed.getTimeout(), unlinked.toArray(new RedisFuture<?>[0]))) {
            throw new RedisCommandTimeoutException("no answer to UNLINK of " + keys.size() + " keys within " + routed.getTimeout());
        }
        long deleted = 0;
        for (int i = 0; i < unlinked.size(); i++) {
            try {
                Long n = unlinked.get(i).get();
                deleted += n != null ? n : 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RedisCommandInterruptedException(e);
            } catch (ExecutionException e) {
                throw new RedisException("UNLINK " + new String(keys.get(i), StandardCharsets.UTF_8) + " failed: "
                        + RedisEndpoint.rootMessage(e), e.getCause());
            }
        }
        return deleted;
    }

    private static void checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.matches(".*[*?\\[\\]\\\\].*")) {
            throw new IllegalArgumentException("prefix must be a deployment's prefix such as 'herald', without glob characters, but was '"
                    + prefix + "'");
        }
    }
}
