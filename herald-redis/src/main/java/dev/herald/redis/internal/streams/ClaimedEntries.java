package dev.herald.redis.internal.streams;

import dev.herald.redis.internal.RedisConnection;
import io.lettuce.core.Consumer;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Finds the pending entries of a consumer group that a reader takes over, a page at a time, with
 * their bodies and delivery counters: the entries left idle past the visibility timeout by other
 * consumers or lost on the way to this one ({@link #abandoned}), and, once at a reader's start,
 * the entries its own consumer left from an earlier run ({@link #leftByEarlierRun}).
 *
 * <p>Pending entries are listed with {@code XPENDING ... IDLE}, which names each one's consumer
 * and delivery counter. This consumer's own entries that it holds ({@link InHand}: queued behind a
 * slow handler, or running) are left out: taking them again would hand them over twice. The rest
 * are claimed with {@code XCLAIM ... JUSTID} with the same minimum idle time, so an entry another
 * reader claimed or read meanwhile is not taken from it, and without bodies, which leaves each
 * entry's delivery counter as it was: a claim is not a start of the handler. The bodies are read
 * with {@code XRANGE} per entry, pipelined with the claim. This is the rare path (a consumer died,
 * a reply or an acknowledgement was lost); nothing of it runs per event read.
 */
final class ClaimedEntries {

    /**
     * One entry taken over.
     *
     * @param id the entry id
     * @param fields its fields, or null if the stream no longer holds it (trimmed or deleted)
     * @param deliveries the group's delivery counter of the entry
     */
    record Entry(String id, @Nullable Map<byte[], byte[]> fields, long deliveries) {
    }

    /**
     * One page.
     *
     * @param entries the entries taken over, in stream order
     * @param next the last id this page looked at, where the next page starts (exclusive); null
     *     if the pending list holds nothing after it
     */
    record Page(List<Entry> entries, @Nullable String next) {
    }

    private ClaimedEntries() {
    }

    /**
     * Claims a page of entries pending for at least {@code minIdle}: those of other consumers, and
     * those of {@code us} that it does not hold.
     *
     * @param after the id after which to look (exclusive), or null to start at the beginning
     * @param count how many pending entries to look at
     * @param inHand this consumer's entries handed over and not acknowledged
     * @param acksSent waits until every acknowledgement asked for so far was carried out, so that an
     *     entry of ours finished just now is not mistaken for one lost
     * @throws RedisCommandTimeoutException if Redis does not answer within the connection's timeout
     */
    static Page abandoned(RedisConnection connection, byte[] stream, Consumer<byte[]> us,
            Duration minIdle, @Nullable String after, int count, InHand inHand, Runnable acksSent) {
        List<PendingMessage> pending = connection.sync().xpending(stream,
                XPendingArgs.Builder.xpending(us.getGroup(), rangeAfter(after), Limit.from(count)).idle(minIdle));
        if (pending.isEmpty()) {
            return new Page(List.of(), null);
        }
        String next = pending.get(pending.size() - 1).getId();
        String ourName = new String(us.getName(), StandardCharsets.UTF_8);
        Predicate<PendingMessage> ours = p -> ourName.equals(p.getConsumer());
        // taken before the acknowledgements are waited for: an entry done after this is acknowledged by then
        Set<String> held = pending.stream().anyMatch(ours) ? inHand.ids() : Set.of();
        List<PendingMessage> abandoned = pending.stream().filter(ours.negate().or(p -> !held.contains(p.getId()))).toList();
        if (abandoned.isEmpty()) {
            return new Page(List.of(), next);
        }
        if (abandoned.stream().anyMatch(ours)) {
            acksSent.run(); // one of ours acknowledged just now is pending no more: the claim below skips it
        }
        RedisClusterAsyncCommands<byte[], byte[]> redis = connection.async();
        String[] ids = abandoned.stream().map(PendingMessage::getId).toArray(String[]::new);
        RedisFuture<List<StreamMessage<byte[], byte[]>>> claim = redis.xclaim(stream, us,
                XClaimArgs.Builder.minIdleTime(minIdle).justid(), ids);
        List<RedisFuture<List<StreamMessage<byte[], byte[]>>>> bodies = bodies(redis, stream, abandoned);
        await(connection, claim, bodies);
        Set<String> claimed = new HashSet<>();
        result(claim).forEach(m -> claimed.add(m.getId()));
        List<Entry> entries = new ArrayList<>(abandoned.size());
        for (int i = 0; i < abandoned.size(); i++) {
            List<StreamMessage<byte[], byte[]>> body = result(bodies.get(i));
            if (claimed.contains(ids[i])) {
                entries.add(entry(abandoned.get(i), body));
            } else if (body.isEmpty()) {
                // Redis 7 drops an entry gone from the stream from the pending list instead of claiming it
                entries.add(entry(abandoned.get(i), body));
            }
            // else another reader took it (or it was acknowledged) since XPENDING: not ours to hand over
        }
        return new Page(entries, next);
    }

    /**
     * A page of the entries pending with {@code us} itself: at a reader's start, what an earlier
     * run of this instance (same instance id) read and did not finish. Nothing is claimed: they
     * are this consumer's already.
     *
     * @param after the id after which to look (exclusive), or null to start at the beginning
     * @param count how many pending entries to look at
     * @throws RedisCommandTimeoutException if Redis does not answer within the connection's timeout
     */
    static Page leftByEarlierRun(RedisConnection connection, byte[] stream,
            Consumer<byte[]> us, @Nullable String after, int count) {
        List<PendingMessage> pending = connection.sync().xpending(stream,
                XPendingArgs.Builder.xpending(us, rangeAfter(after), Limit.from(count)));
        if (pending.isEmpty()) {
            return new Page(List.of(), null);
        }
        List<RedisFuture<List<StreamMessage<byte[], byte[]>>>> bodies = bodies(connection.async(), stream, pending);
        await(connection, null, bodies);
        List<Entry> entries = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            entries.add(entry(pending.get(i), result(bodies.get(i))));
        }
        return new Page(entries, pending.get(pending.size() - 1).getId());
    }

    /** From just after {@code after} to the end; Lettuce passes the values as they are, so "(" makes the start exclusive. */
    private static Range<String> rangeAfter(@Nullable String after) {
        return Range.create(after == null ? "-" : "(" + after, "+");
    }

    /** One {@code XRANGE id id} per entry, pipelined; exact where one range would also return entries others hold. */
    private static List<RedisFuture<List<StreamMessage<byte[], byte[]>>>> bodies(RedisClusterAsyncCommands<byte[], byte[]> redis,
            byte[] stream, List<PendingMessage> pending) {
        List<RedisFuture<List<StreamMessage<byte[], byte[]>>>> bodies = new ArrayList<>(pending.size());
        for (PendingMessage p : pending) {
            bodies.add(redis.xrange(stream, Range.create(p.getId(), p.getId())));
        }
        return bodies;
    }

    private static Entry entry(PendingMessage pending, List<StreamMessage<byte[], byte[]>> body) {
        return new Entry(pending.getId(), body.isEmpty() ? null : body.get(0).getBody(), pending.getRedeliveryCount());
    }

    private static void await(RedisConnection connection, @Nullable Future<?> claim,
            List<? extends Future<?>> bodies) {
        List<Future<?>> all = new ArrayList<>(bodies.size() + 1);
        if (claim != null) {
            all.add(claim);
        }
        all.addAll(bodies);
        if (!LettuceFutures.awaitAll(connection.getTimeout(), all.toArray(new Future<?>[0]))) {
            throw new RedisCommandTimeoutException("no answer to " + (claim != null ? "XCLAIM/" : "") + "XRANGE for "
                    + bodies.size() + " pending entries within " + connection.getTimeout());
        }
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
