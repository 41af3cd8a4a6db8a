package dev.herald.redis.internal;

import io.lettuce.core.Limit;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * Reads the bodies and delivery counters of entries claimed with {@code XAUTOCLAIM ... JUSTID},
 * which, unlike a claim with bodies, leaves each entry's delivery counter as it was: a claim is not
 * a delivery to the handler. One {@code XPENDING} and one {@code XRANGE} per entry, pipelined: a
 * claim is the rare path (a consumer died), and per entry is exact where a range over the claimed
 * ids would also return entries that other consumers hold.
 */
final class ClaimedEntries {

    /**
     * One claimed entry.
     *
     * @param id the entry id
     * @param fields its fields, or null if the stream no longer holds it (trimmed or deleted)
     * @param deliveries the group's delivery counter of the entry
     */
    record Entry(String id, @Nullable Map<byte[], byte[]> fields, long deliveries) {
    }

    private ClaimedEntries() {
    }

    /**
     * Fetches the claimed entries, in the order given; an entry no longer pending in the group
     * (acknowledged meanwhile) is left out.
     *
     * @throws RedisCommandTimeoutException if Redis does not answer within the connection's timeout
     */
    static List<Entry> fetch(StatefulRedisConnection<byte[], byte[]> connection, byte[] stream, byte[] group,
            List<String> ids) {
        RedisAsyncCommands<byte[], byte[]> redis = connection.async();
        List<RedisFuture<List<PendingMessage>>> counters = new ArrayList<>(ids.size());
        List<RedisFuture<List<StreamMessage<byte[], byte[]>>>> bodies = new ArrayList<>(ids.size());
        List<Future<?>> all = new ArrayList<>(ids.size() * 2);
        for (String id : ids) {
            Range<String> one = Range.create(id, id);
            counters.add(redis.xpending(stream, group, one, Limit.from(1)));
            bodies.add(redis.xrange(stream, one));
            all.add(counters.get(counters.size() - 1));
            all.add(bodies.get(bodies.size() - 1));
        }
        if (!LettuceFutures.awaitAll(connection.getTimeout(), all.toArray(new Future<?>[0]))) {
            throw new RedisCommandTimeoutException("no answer to XPENDING/XRANGE for " + ids.size()
                    + " claimed entries within " + connection.getTimeout());
        }
        List<Entry> entries = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            List<PendingMessage> pending = result(counters.get(i));
            if (pending.isEmpty()) {
                continue; // acknowledged since the claim: finished elsewhere
            }
            List<StreamMessage<byte[], byte[]>> body = result(bodies.get(i));
            entries.add(new Entry(ids.get(i), body.isEmpty() ? null : body.get(0).getBody(),
                    pending.get(0).getRedeliveryCount()));
        }
        return entries;
    }

    /** The value of a completed command. */
    private static <T> T result(Future<T> done) {
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandInterruptedException(e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException redis ? redis : new RedisException(e.getCause());
        }
    }
}
