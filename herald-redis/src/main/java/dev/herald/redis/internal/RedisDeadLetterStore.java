package dev.herald.redis.internal;

import dev.herald.DeadLetter;
import dev.herald.spi.DeadLetterStore;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters in the Redis stream {@code <prefix>:dlq}: one entry per dead letter, its id the
 * entry id, trimmed to about {@code retention} entries ({@code MAXLEN ~}). Shared by every bus
 * instance on that Redis, and readable after a bus shut down. Thread-safe.
 */
public final class RedisDeadLetterStore implements DeadLetterStore {

    private static final Logger log = LoggerFactory.getLogger(RedisDeadLetterStore.class);

    private final RedisEndpoint endpoint;
    private final byte[] key;
    private final long retention;
    private final Duration writeTimeout;
    private volatile @Nullable StatefulRedisConnection<byte[], byte[]> connection;
    private volatile boolean closed;

    public RedisDeadLetterStore(RedisEndpoint endpoint, String key, long retention, Duration writeTimeout) {
        this.endpoint = endpoint;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.retention = retention;
        this.writeTimeout = writeTimeout;
    }

    private <T> T call(Function<RedisCommands<byte[], byte[]>, T> work) {
        if (closed) {
            return endpoint.withTemporaryConnection(c -> work.apply(c.sync()));
        }
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = endpoint.client().connect(ByteArrayCodec.INSTANCE);
                    connection = c;
                }
            }
        }
        return work.apply(c.sync());
    }

    @Override
    public DeadLetter add(DeadLetter letter) {
        Map<byte[], byte[]> fields = toFields(letter);
        XAddArgs args = XAddArgs.Builder.maxlen(retention).approximateTrimming();
        long deadline = System.nanoTime() + writeTimeout.toNanos();
        long delay = 20;
        while (true) {
            try {
                String id = call(redis -> redis.xadd(key, args, fields));
                return letter.withId(id);
            } catch (RedisException e) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) > deadline) {
                    throw new IllegalStateException("cannot store a dead letter in " + keyName() + " on "
                            + endpoint.describe() + " within " + writeTimeout + ": " + e.getMessage(), e);
                }
                log.warn("Storing a dead letter in {} failed ({}); retrying in {} ms", keyName(), e.getMessage(), delay);
                try {
                    TimeUnit.MILLISECONDS.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while storing a dead letter", interrupted);
                }
                delay = Math.min(delay * 2, 1000);
            }
        }
    }

    @Override
    public List<DeadLetter> list(int limit) {
        List<StreamMessage<byte[], byte[]>> entries = call(redis -> redis.xrange(key, Range.unbounded(), Limit.from(limit)));
        List<DeadLetter> out = new ArrayList<>(entries.size());
        for (StreamMessage<byte[], byte[]> entry : entries) {
            out.add(fromEntry(entry));
        }
        return out;
    }

    @Override
    public Optional<DeadLetter> get(String id) {
        if (!id.matches("\\d+-\\d+")) {
            return Optional.empty();
        }
        List<StreamMessage<byte[], byte[]>> entries = call(redis -> redis.xrange(key, Range.create(id, id)));
        return entries.isEmpty() ? Optional.empty() : Optional.of(fromEntry(entries.get(0)));
    }

    @Override
    public boolean delete(String id) {
        if (!id.matches("\\d+-\\d+")) {
            return false;
        }
        return call(redis -> redis.xdel(key, id)) > 0;
    }

    @Override
    public long size() {
        return call(redis -> redis.xlen(key));
    }

    @Override
    public long purge() {
        return call(redis -> redis.xtrim(key, 0));
    }

    /** Closes the shared connection; later calls use a short-lived one. */
    public void close() {
        closed = true;
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.close();
        }
    }

    private String keyName() {
        return new String(key, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ the entry's fields

    private static Map<byte[], byte[]> toFields(DeadLetter d) {
        Map<byte[], byte[]> f = new LinkedHashMap<>();
        put(f, "reason", d.reason().name());
        put(f, "type", d.eventType());
        put(f, "eventId", d.eventId());
        put(f, "handler", d.handler());
        put(f, "attempts", Integer.toString(d.attempts()));
        put(f, "error", d.error());
        put(f, "errorClass", d.errorClass());
        put(f, "stackTrace", d.stackTrace());
        put(f, "firstFailure", d.firstFailure().toString());
        put(f, "time", d.lastFailure().toString());
        f.put(bytes("raw"), d.rawMessage());
        return f;
    }

    private static void put(Map<byte[], byte[]> fields, String name, @Nullable String value) {
        if (value != null) {
            fields.put(bytes(name), bytes(value));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static DeadLetter fromEntry(StreamMessage<byte[], byte[]> entry) {
        Map<String, byte[]> f = new LinkedHashMap<>();
        entry.getBody().forEach((k, v) -> f.put(new String(k, StandardCharsets.UTF_8), v));
        Instant last = instant(text(f, "time"), entry.getId());
        Instant first = instant(text(f, "firstFailure"), entry.getId());
        String reason = text(f, "reason");
        DeadLetter.Reason parsed;
        try {
            parsed = reason == null ? DeadLetter.Reason.UNDECODABLE : DeadLetter.Reason.valueOf(reason);
        } catch (IllegalArgumentException e) {
            parsed = DeadLetter.Reason.UNDECODABLE;
        }
        String attempts = text(f, "attempts");
        String error = text(f, "error");
        byte[] raw = f.get("raw");
        return new DeadLetter(entry.getId(), parsed, text(f, "type"), text(f, "eventId"), text(f, "handler"),
                attempts == null ? 0 : Integer.parseInt(attempts), error == null ? "(no error recorded)" : error,
                text(f, "errorClass"), text(f, "stackTrace"), raw == null ? new byte[0] : raw, first, last);
    }

    private static @Nullable String text(Map<String, byte[]> fields, String name) {
        byte[] v = fields.get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static Instant instant(@Nullable String text, String entryId) {
        if (text != null) {
            try {
                return Instant.parse(text);
            } catch (RuntimeException ignored) {
                // fall back to the entry id's time
            }
        }
        return Instant.ofEpochMilli(Long.parseLong(entryId.substring(0, entryId.indexOf('-'))));
    }
}
