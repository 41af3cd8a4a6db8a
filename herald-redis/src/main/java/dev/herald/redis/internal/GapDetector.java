package dev.herald.redis.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the events a Pub/Sub subscriber missed: publishers number their events per type, so a
 * jump in a publisher's numbers on a channel is exactly the number of events that never arrived
 * (while disconnected, or cut off by Redis's output-buffer limit). The first event seen from a
 * publisher sets its baseline: what it sent before we listened is not counted. Called from one
 * thread (the intake).
 */
final class GapDetector {

    private static final Logger log = LoggerFactory.getLogger(GapDetector.class);

    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final LongAdder missed = new LongAdder();

    /** Records one event; returns how many of the publisher's events before it were missed. */
    long observe(String channel, byte[] message) {
        SequenceStamp stamp = SequenceStamp.read(message);
        if (stamp == null) {
            return 0;
        }
        String key = stamp.publisherId() + "|" + channel;
        Long previous = lastSeen.get(key);
        if (previous == null || stamp.sequence() > previous) {
            lastSeen.put(key, stamp.sequence());
        }
        if (previous == null || stamp.sequence() <= previous + 1) {
            return 0;
        }
        long gap = stamp.sequence() - previous - 1;
        missed.add(gap);
        log.warn("Missed {} event(s) on channel '{}' from publisher {} (numbers {} to {}): Redis Pub/Sub does not keep "
                + "events for a disconnected or cut-off subscriber; use Streams mode where every event counts",
                gap, channel, stamp.publisherId(), previous + 1, stamp.sequence() - 1);
        return gap;
    }

    long missed() {
        return missed.sum();
    }
}
