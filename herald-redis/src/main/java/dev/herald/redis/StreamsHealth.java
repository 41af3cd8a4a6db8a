package dev.herald.redis;

import dev.herald.ConsumerGroupHealth;
import dev.herald.TransportHealth;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The health of a {@link RedisEventBus.Mode#STREAMS} bus's transport, from
 * {@code bus.health().transport(StreamsHealth.class)}: its verdict and the values behind it, as
 * its readers and its periodic checks (a {@code PING} each second, {@code XINFO GROUPS} every
 * half visibility timeout) last saw them. Counts are since the bus was built. Immutable.
 *
 * @param up whether Redis answers, every reader reads (none has gone without a reply, or failed,
 *     for longer than its block time plus 2 s: on a cluster, a master dead or frozen), and no
 *     group lags near the stream retention
 * @param detail a one-line explanation of the verdict
 * @param claimedEntries entries taken over from the pending list (left by a stopped consumer,
 *     lost on the way, or by an earlier run of this instance)
 * @param readErrors reads that failed, and were retried
 * @param reconnects times a reader's connection to Redis was made again after it was lost: one that
 *     Lettuce reconnected (one server), or one the reader opened anew in place of one that closed or
 *     that it left (on a Redis Cluster, a master gone or a slot moved)
 * @param publishRetries publishes sent again after a failure
 * @param readers handlers' readers running
 * @param streamRetention the entries each stream keeps (its approximate {@code MAXLEN}, the builder's
 *     {@code streamRetention}): what a group's {@link ConsumerGroupHealth#lag() lag} is measured
 *     against; past 80% of it the group is {@link ConsumerGroupHealth#lagging() lagging}
 * @param groups each group read, by type then group, with its lag and pending entries
 */
public record StreamsHealth(boolean up, String detail, long claimedEntries, long readErrors, long reconnects,
        long publishRetries, int readers, long streamRetention, List<ConsumerGroupHealth> groups) implements TransportHealth {

    /** Validates, sorts and copies. */
    public StreamsHealth {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(groups, "groups");
        if (claimedEntries < 0 || readErrors < 0 || reconnects < 0 || publishRetries < 0 || readers < 0) {
            throw new IllegalArgumentException("counts cannot be negative: claimedEntries " + claimedEntries
                    + ", readErrors " + readErrors + ", reconnects " + reconnects + ", publishRetries " + publishRetries
                    + ", readers " + readers);
        }
        if (streamRetention < 1) {
            throw new IllegalArgumentException("streamRetention must be at least 1: " + streamRetention);
        }
        groups = groups.stream()
                .sorted(Comparator.comparing(ConsumerGroupHealth::eventType).thenComparing(ConsumerGroupHealth::group))
                .toList();
    }

    /**
     * The groups so far behind that the stream's retention may trim entries they have not read.
     *
     * @return those of {@link #groups()} that are {@link ConsumerGroupHealth#lagging() lagging}
     */
    public List<ConsumerGroupHealth> laggingGroups() {
        return groups.stream().filter(ConsumerGroupHealth::lagging).toList();
    }
}
