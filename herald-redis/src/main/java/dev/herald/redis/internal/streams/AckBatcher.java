package dev.herald.redis.internal.streams;

import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.EventLoopBatchRunner;
import io.lettuce.core.RedisConnectionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Acknowledges one consumer group's stream entries in batches: handlers' workers hand in entry
 * ids, and one task on the connection's event loop sends them as one {@code XACK} with many ids,
 * as many as came in since the last one. Under load that is one command for dozens of entries
 * instead of one each; when idle, an id goes out at once. The loop is learnt from the replies to
 * these XACKs ({@link ReplyLoop}); until then, and if it cannot be, the asking thread sends. An entry whose acknowledgement is lost
 * (connection gone) stays pending and is delivered again: at-least-once either way. Thread-safe.
 */
final class AckBatcher {

    /** Ids per XACK at most: Redis takes any number, but a huge command would delay the others. */
    private static final int MAX_IDS = 1000;

    private final byte[] stream;
    private final byte[] group;
    private final Supplier<@Nullable RedisConnection> connection;
    private final ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    private final ReplyLoop loop;
    private final EventLoopBatchRunner sending;

    AckBatcher(String stream, String group, Supplier<@Nullable RedisConnection> connection,
            ReplyLoop loop) {
        this.stream = stream.getBytes(StandardCharsets.UTF_8);
        this.group = group.getBytes(StandardCharsets.UTF_8);
        this.connection = connection;
        this.loop = loop;
        this.sending = new EventLoopBatchRunner(this::send, () -> !ids.isEmpty(), loop::current);
    }

    void ack(String id) {
        ids.add(id);
        sending.request();
    }

    /** Sends what was handed in so far before returning; before the connection closes. */
    void flush() {
        sending.drainHere(TimeUnit.SECONDS.toNanos(1));
    }

    /**
     * Sends what was handed in so far, then a command on the stream's key ({@code XLEN}) behind
     * it: replies on a connection come in order, and on a cluster a command on the same key goes
     * to the same master as the acknowledgements, so once it is answered every acknowledgement
     * sent before it was carried out. A keyless command ({@code PING}) would prove nothing on a
     * cluster: it may go to another node.
     *
     * @return the answer to that command; failed if there is no open connection
     */
    CompletableFuture<Long> flushAndConfirm() {
        flush();
        RedisConnection c = connection.get();
        if (c == null || !c.isOpen()) {
            return CompletableFuture.failedFuture(new RedisConnectionException("the commands connection is closed"));
        }
        return c.async().xlen(stream).toCompletableFuture();
    }

    private void send() {
        List<String> batch = new ArrayList<>();
        String id;
        while (batch.size() < MAX_IDS && (id = ids.poll()) != null) {
            batch.add(id);
        }
        RedisConnection c = connection.get();
        if (!batch.isEmpty() && c != null && c.isOpen()) {
            loop.learnFrom(c.async().xack(stream, group, batch.toArray(new String[0])));
        }
    }
}
