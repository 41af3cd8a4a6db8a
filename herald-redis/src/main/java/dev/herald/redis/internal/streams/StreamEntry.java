package dev.herald.redis.internal.streams;

import dev.herald.redis.RedisKeys;
import dev.herald.spi.Delivery;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream entry handed to one handler. Its delivery counter in Redis counts the handler's
 * starts: {@code XREADGROUP} counts a first read as one (no extra command on that path),
 * and a claimed entry counts one more only when the handler starts on it again. So a dead
 * letter's {@code attempts} is the number of times the handler was started on the entry,
 * with one imprecision that Redis leaves: an entry read by a consumer that died before
 * starting it (a poison entry's batch neighbour, the first time) counts one start too many.
 * Thread-safe: the handler's workers call it; what it changes is held by its
 * {@link GroupConsumer}.
 */
final class StreamEntry implements Delivery {

    private static final List<String> OTHER_FIELDS = List.of("data", "payload", "message", "body", "value", "json");

    private final GroupConsumer consumer;
    private final String id;
    private final byte[] body;
    private final int started;
    private final InHand.Batch handed;
    private final int index;

    /**
     * @param consumer this instance's consumer of its group, for the reader that read or claimed it
     * @param started the handler starts Redis recorded for it before: its delivery counter
     *     for an entry taken from the pending list; 0 for a first read, which {@code XREADGROUP}
     *     counts itself
     * @param handed the read (or page) it came in, holding it in hand until acknowledged
     * @param index its place there
     */
    StreamEntry(GroupConsumer consumer, String id, byte[] body, int started, InHand.Batch handed, int index) {
        this.consumer = consumer;
        this.id = id;
        this.body = body;
        this.started = started;
        this.handed = handed;
        this.index = index;
    }

    /** The event in an entry: the field {@code event}, or the only field, or a usual name; else empty (undecodable). */
    static byte[] bodyOf(Map<byte[], byte[]> fields) {
        if (fields.size() == 1) {
            return fields.values().iterator().next();
        }
        Map<String, byte[]> named = new HashMap<>();
        fields.forEach((k, v) -> named.put(new String(k, StandardCharsets.UTF_8), v));
        byte[] body = named.get(RedisKeys.STREAM_FIELD);
        for (int i = 0; body == null && i < OTHER_FIELDS.size(); i++) {
            body = named.get(OTHER_FIELDS.get(i));
        }
        return body != null ? body : new byte[0];
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public int deliveryCount() {
        return started + 1;
    }

    @Override
    public boolean overDeliveryLimit() {
        return started >= consumer.deliveryLimit();
    }

    /**
     * An entry taken from the pending list has its start recorded, if still ours; an entry
     * read (whose start {@code XREADGROUP} counted) is checked only when it waited in the
     * handler's queue longer than half the visibility timeout: another consumer may have
     * claimed it meanwhile. That check also restarts its idle time, which leaves the handler
     * a whole visibility timeout before another consumer may claim it; a handler that runs
     * longer than that is the visibility timeout's known limit (the entry is handled twice).
     */
    @Override
    public boolean handlerStarting() {
        if (started == 0 && handed.waitedNanos(System.nanoTime()) <= consumer.recheckAfterNanos()) {
            return true; // the usual path: no Redis command
        }
        if (consumer.recordStart(id, started + 1)) {
            return true;
        }
        handed.done(index); // another consumer's now: not in hand here
        return false;
    }

    /** Left for redelivery: no longer in hand, so a reader of this instance claims it again after the visibility timeout. */
    @Override
    public void release() {
        handed.done(index);
    }

    @Override
    public void ack() {
        consumer.ack(id);
        handed.done(index); // after the acknowledgement was asked for: see ClaimedEntries.abandoned
    }

    @Override
    public boolean redeliverable() {
        return true;
    }
}
