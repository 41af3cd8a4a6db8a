package dev.herald.redis.internal.pubsub;

import dev.herald.spi.BusObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the events a Pub/Sub subscriber missed: publishers number their events per type, so a
 * jump in a publisher's numbers on a channel is the number of events that did not arrive (while
 * disconnected, or cut off). A number that arrives late (a publish retried after a reconnect can
 * overtake an earlier one) is taken off the count again, so the count is exact: what never
 * arrived. The first event seen from a publisher sets its baseline: what it sent before we
 * listened is not counted. Counted per event type too; each gap is told to the bus's observer
 * when it is found, and each late arrival when it arrives ({@link BusObserver#arrivedLate}), so that
 * the bus's counts that only rise (and metrics) see both. Called from one thread (the intake); read
 * from any.
 */
final class GapDetector {

    private static final Logger log = LoggerFactory.getLogger(GapDetector.class);
    /** Open gaps remembered per publisher and channel; older ones stay counted as missed. */
    private static final int MAX_OPEN_GAPS = 1000;

    /**
     * More events a second than any publisher sends (one Redis server takes under a million):
     * a jump beyond it since a publisher was first seen is no gap but a stamp that lies.
     */
    private static final long MAX_PLAUSIBLE_RATE = 10_000_000;
    /** Bad stamps are logged one by one up to this many, then at DEBUG. */
    private static final int BAD_STAMPS_LOGGED_AT_WARN = 20;
    /** Late arrivals are logged one by one up to this many, then at DEBUG. */
    private static final int LATE_ARRIVALS_LOGGED_AT_INFO = 20;

    private static final class Stream {
        long highest;
        /** When the first event of this publisher on this channel was seen. */
        final long firstSeenNanos = System.nanoTime();
        /** Open gaps: first missing number to last missing number. */
        final TreeMap<Long, Long> gaps = new TreeMap<>();
    }

    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong missed = new AtomicLong();
    /** Per event type, what {@link #missed} counts: net, late arrivals taken off. */
    private final Map<String, AtomicLong> missedByType = new ConcurrentHashMap<>();
    /** What comes before the type in a channel's name: {@code <prefix>:}. */
    private final String channelPrefix;
    private final BusObserver observer;
    private final AtomicLong badStamps = new AtomicLong();
    private final AtomicLong lateArrivals = new AtomicLong();
    private final PublisherStampReader stamp = new PublisherStampReader();
    /** The stream of the last event: most events come from the publisher and channel of the one before. */
    private String lastChannel = "";
    private byte[] lastPublisher = new byte[0];
    private Stream lastStream = new Stream();

    /**
     * @param prefix the bus's prefix, which with a colon starts each channel's name before the type
     * @param observer the bus's observer (guarded), told of each gap and each late arrival
     */
    GapDetector(String prefix, BusObserver observer) {
        this.channelPrefix = prefix + ":";
        this.observer = observer;
    }

    /** Records one event; returns how many of the publisher's events before it are missing. */
    long observe(String channel, byte[] message) {
        if (!stamp.read(message)) {
            if (stamp.malformed) {
                badStamp(channel, "a publisherseq that is not a whole number from 0 to " + Long.MAX_VALUE);
            }
            return 0;
        }
        long seq = stamp.sequence;
        Stream s;
        if (channel.equals(lastChannel) && stamp.idEquals(lastPublisher)) {
            s = lastStream;
        } else {
            String key = stamp.id() + "|" + channel;
            s = streams.get(key);
            if (s == null) {
                s = new Stream();
                s.highest = seq - 1; // the first event seen sets the baseline
                streams.put(key, s);
            }
            lastChannel = channel;
            lastPublisher = stamp.idBytes();
            lastStream = s;
        }
        if (seq > s.highest + 1) {
            long gap = seq - s.highest - 1;
            if (implausible(s, gap)) {
                badStamp(channel, "publisherseq " + seq + " of publisher " + stamp.id() + ", a jump of " + gap
                        + " after " + s.highest + " that no publisher could have made since it was first seen");
                return 0;
            }
            s.gaps.put(s.highest + 1, seq - 1);
            if (s.gaps.size() > MAX_OPEN_GAPS) {
                s.gaps.pollFirstEntry();
            }
            s.highest = seq;
            count(channel, gap);
            log.warn("Missed {} event(s) on channel '{}' from publisher {} (numbers {} to {}): Redis Pub/Sub does not keep "
                    + "events for a disconnected or cut-off subscriber; use Streams mode where every event counts",
                    gap, channel, stamp.id(), seq - gap, seq - 1);
            return gap;
        }
        if (seq == s.highest + 1) {
            s.highest = seq;
        } else {
            arrivedLate(s, seq, channel);
        }
        return 0;
    }

    private static boolean implausible(Stream s, long gap) {
        long seconds = (System.nanoTime() - s.firstSeenNanos) / 1_000_000_000L + 1;
        return gap / seconds > MAX_PLAUSIBLE_RATE;
    }

    /** A stamp that cannot be ours: ignored, so it never skews the count; its event is delivered as any other. */
    private void badStamp(String channel, String what) {
        long n = badStamps.incrementAndGet();
        if (n <= BAD_STAMPS_LOGGED_AT_WARN) {
            log.warn("Ignored the gap-detection stamp of a message on channel '{}': {}; the event is delivered, the missed count "
                    + "is unchanged{}", channel, what, n == BAD_STAMPS_LOGGED_AT_WARN ? " (further bad stamps are logged at DEBUG)" : "");
        } else {
            log.debug("Ignored the gap-detection stamp of a message on channel '{}': {}", channel, what);
        }
    }

    private void arrivedLate(Stream s, long seq, String channel) {
        Map.Entry<Long, Long> gap = s.gaps.floorEntry(seq);
        if (gap == null || gap.getValue() < seq) {
            return; // a duplicate, not a gap
        }
        s.gaps.remove(gap.getKey());
        if (gap.getKey() < seq) {
            s.gaps.put(gap.getKey(), seq - 1);
        }
        if (seq < gap.getValue()) {
            s.gaps.put(seq + 1, gap.getValue());
        }
        long now = count(channel, -1);
        observer.arrivedLate(type(channel), 1);
        // the WARN about the gap said "missed": say it was not, or an operator sees a loss that did not happen
        if (lateArrivals.incrementAndGet() <= LATE_ARRIVALS_LOGGED_AT_INFO) {
            log.info("Event number {} on channel '{}' from publisher {} arrived late, after it was counted as missed: "
                    + "it is delivered and no longer counted (missed events now {})", seq, channel, stamp.id(), now);
        } else {
            log.debug("Event number {} on channel '{}' from publisher {} arrived late: no longer counted as missed",
                    seq, channel, stamp.id());
        }
    }

    /** Counts an event that arrived on a channel but that some handlers could not be given (a full buffer). */
    void addMissed(String channel, long count) {
        count(channel, count);
    }

    /** Adds to the counts (takes off, for a late arrival) and tells the observer of events missed; returns the new total. */
    private long count(String channel, long count) {
        String type = type(channel);
        missedByType.computeIfAbsent(type, t -> new AtomicLong()).addAndGet(count);
        if (count > 0) {
            observer.missed(type, count);
        }
        return missed.addAndGet(count);
    }

    private String type(String channel) {
        return channel.startsWith(channelPrefix) ? channel.substring(channelPrefix.length()) : channel;
    }

    long missed() {
        return missed.get();
    }

    /** Per event type, the events missed so far. */
    Map<String, Long> missedByType() {
        Map<String, Long> copy = new HashMap<>();
        missedByType.forEach((type, n) -> copy.put(type, n.get()));
        return copy;
    }
}
