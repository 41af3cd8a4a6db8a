package dev.herald.redis.internal.streams;

import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.spi.DeliveryListener;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance as the consumer (named by its instance id) of one group, for one reader: hands the
 * entries the reader read or took from the pending list over to the handler, each as a
 * {@link StreamEntry} held in hand ({@link InHand}) until it is acknowledged ({@link AckBatcher})
 * or left for redelivery, and records a handler's start on an entry while the entry is still this
 * consumer's ({@link StartRecorder}). Thread-safe: the reader hands over, the handler's workers
 * start and acknowledge entries.
 */
final class GroupConsumer {

    private static final Logger log = LoggerFactory.getLogger(GroupConsumer.class);

    private final ReaderContext context;
    private final String stream;
    private final byte[] streamKey;
    private final String group;
    private final Consumer<byte[]> consumer;
    private final DeliveryListener listener;
    private final InHand held;
    private final AckBatcher acks;
    /** An entry read that waited in the handler's queue longer than this is checked to be still ours before it runs. */
    private final long recheckAfterNanos;

    /**
     * @param listener where entries are handed over
     * @param held the group's entries handed over and not acknowledged, shared by the group's readers
     * @param acks acknowledges the entries
     */
    GroupConsumer(ReaderContext context, StreamGroup streamGroup, DeliveryListener listener, InHand held, AckBatcher acks) {
        this.context = context;
        this.stream = streamGroup.stream();
        this.streamKey = streamGroup.streamKey();
        this.group = streamGroup.group();
        this.consumer = Consumer.from(bytes(group), bytes(context.options().instanceId()));
        this.listener = listener;
        this.held = held;
        this.acks = acks;
        this.recheckAfterNanos = context.options().visibilityTimeout().toNanos() / 2;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The group and this instance's consumer name in it, as Lettuce's commands take them. */
    Consumer<byte[]> consumer() {
        return consumer;
    }

    /** The entries of this consumer handed over and not finished. */
    InHand held() {
        return held;
    }

    int deliveryLimit() {
        return context.options().deliveryLimit();
    }

    long recheckAfterNanos() {
        return recheckAfterNanos;
    }

    /** Asks for the entry's acknowledgement, sent in a batch. */
    void ack(String id) {
        acks.ack(id);
    }

    /** Hands over the entries of one read, whose first start {@code XREADGROUP} counted. */
    void handOverRead(List<StreamMessage<byte[], byte[]>> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        String[] ids = new String[batch.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = batch.get(i).getId();
        }
        InHand.Batch handed = held.add(ids);
        for (int i = 0; i < ids.length; i++) { // even after the reader stopped: read means handed over
            listener.onDelivery(new StreamEntry(this, ids[i], StreamEntry.bodyOf(batch.get(i).getBody()), 0, handed, i));
        }
    }

    /**
     * Hands over entries taken from the pending list, each with its delivery counter; one no
     * longer in the stream is acknowledged.
     */
    void handOverClaimed(List<ClaimedEntries.Entry> entries) throws InterruptedException {
        if (entries.isEmpty()) {
            return;
        }
        InHand.Batch handed = held.add(entries.stream().map(ClaimedEntries.Entry::id).toArray(String[]::new));
        for (int i = 0; i < entries.size(); i++) {
            ClaimedEntries.Entry entry = entries.get(i);
            Map<byte[], byte[]> fields = entry.fields();
            if (fields == null) {
                log.warn("Entry {} of {} was pending in group {} but is no longer in the stream (trimmed by the "
                        + "retention, or deleted) before it was handled; acknowledged", entry.id(), stream, group);
                acks.ack(entry.id());
                handed.done(i);
            } else {
                int started = (int) Math.min(Integer.MAX_VALUE, entry.deliveries());
                listener.onDelivery(new StreamEntry(this, entry.id(), StreamEntry.bodyOf(fields), started, handed, i));
            }
        }
    }

    /**
     * Returns once every acknowledgement asked for so far was carried out by Redis: they go out
     * on the commands connection, whose replies come in order, and a command on the stream's key
     * follows them to the same master ({@link AckBatcher#flushAndConfirm}).
     */
    void awaitAcks() {
        RedisConnection c = context.commands().get();
        if (c == null) {
            throw new IllegalStateException("the Redis Streams transport is not started");
        }
        try {
            acks.flushAndConfirm().get(c.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandInterruptedException(e);
        } catch (TimeoutException e) {
            throw new RedisCommandTimeoutException("no answer within " + c.getTimeout() + " to the acknowledgements of "
                    + stream + " for group " + group);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RedisException re ? re : new RedisException(e.getCause());
        }
    }

    /**
     * Records that the handler starts on an entry, if it is still this consumer's: its
     * delivery counter becomes {@code count} ({@link StartRecorder}). Synchronous, so that
     * the start counts even if the process dies in the handler.
     *
     * @return false if another consumer took the entry over since it was handed over (or it
     *     was acknowledged): not to be run nor acknowledged here; true otherwise, also when
     *     Redis could not be asked (the start then does not count)
     */
    boolean recordStart(String id, int count) {
        RedisConnection c = context.commands().get();
        if (c == null) {
            return true;
        }
        try {
            if (context.starts().record(c, streamKey, consumer, id, count)) {
                return true;
            }
            log.info("Entry {} of {} for group {} was taken over by another consumer while it waited in the "
                    + "handler's queue; left to that consumer", id, stream, group);
            return false;
        } catch (RedisException e) {
            if (e instanceof RedisCommandInterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Could not record start {} of the handler on entry {} of {} for group {}: {}; "
                    + "this start does not count towards the delivery limit", count, id, stream, group,
                    RedisEndpoint.rootMessage(e));
            return true;
        }
    }
}
