package dev.herald.redis.internal;

import dev.herald.DeadLetter;
import dev.herald.DeadLetterStoreException;
import dev.herald.spi.DeadLetterStore;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters in the Redis stream {@code <prefix>:dlq}: one entry per dead letter, its id the
 * entry id, trimmed to about {@code retention} entries ({@code MAXLEN ~}). Shared by every bus
 * instance on that Redis, and readable after a bus shut down. Every call waits at most its
 * timeout, never Lettuce's command timeout, and fails with a {@link DeadLetterStoreException}
 * naming the endpoint and the cause (a disconnected connection is not waited for: a fresh one
 * says why Redis cannot be reached). Thread-safe.
 *
 * <p>On a Redis Cluster the connection is one for writes ({@link RedisEndpoint#connectForWrites()}):
 * a dead letter for a master that is gone fails at once and is tried again, reaching the promoted
 * replica once the topology names it, within the write's bound; it never waits in Lettuce to be
 * written later, when the old master comes back, after being reported as not stored. Before each
 * call the connection to the stream's master is awaited (within the call's time), since Lettuce
 * rejects a command for a master whose connection is still being opened.
 */
public final class RedisDeadLetterStore implements DeadLetterStore {

    private static final Logger log = LoggerFactory.getLogger(RedisDeadLetterStore.class);
    private static final Pattern ENTRY_ID = Pattern.compile("\\d+-\\d+");

    private final RedisEndpoint endpoint;
    private final byte[] key;
    private final long retention;
    private final Duration timeout;
    private volatile @Nullable RedisConnection connection;
    /** Held while the shared connection is made: a lock, not a monitor, since connecting waits for Redis. */
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile boolean closed;

    /**
     * @param timeout how long a call waits at most; {@link #add(DeadLetter)} retries within it
     */
    public RedisDeadLetterStore(RedisEndpoint endpoint, String key, long retention, Duration timeout) {
        this.endpoint = endpoint;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.retention = retention;
        this.timeout = timeout;
    }

    /**
     * Opens the shared connection now, once the bus started, so that the dead letters of a
     * shutdown (written within its deadline) do not pay for connecting, which on a cluster loads
     * the topology first. A failure is left for the first write to report.
     */
    public void connectAhead() {
        try {
            connection(System.nanoTime() + timeout.toNanos());
        } catch (RuntimeException e) {
            log.debug("Dead-letter store not connected ahead on {}: {}", endpoint.describe(), RedisEndpoint.rootMessage(e));
        }
    }

    private <T> T call(String action, Duration wait,
            Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
        return onConnection(action, wait, (c, end) -> await(command.apply(c.async()), end));
    }

    /** Runs commands on the shared connection, or a fresh one; connecting and answers all within {@code wait}. */
    private <T> T onConnection(String action, Duration wait, Commands<T> work) {
        long end = System.nanoTime() + wait.toNanos();
        try {
            RedisConnection c = closed ? null : connection(end);
            if (c == null || !c.isOpen()) {
                // after the bus shut down, or while Lettuce reconnects (a command would wait in its queue)
                return endpoint.withTemporaryConnection(left(end), t -> runConnected(work, t, end));
            }
            return runConnected(work, c, end);
        } catch (RedisException e) {
            throw new DeadLetterStoreException("cannot " + action + " " + keyName() + " on " + endpoint.describe() + ": "
                    + RedisEndpoint.rootMessage(e), e);
        }
    }

    /**
     * Runs the work once the connection to the stream's master is open, waiting for it until
     * {@code end} at most: Lettuce opens it on the first command for that master and, on a
     * connection for writes, rejects that command meanwhile. One not made in time, or refused,
     * is left to the command to report.
     */
    private <T> T runConnected(Commands<T> work, RedisConnection c, long end) {
        if (endpoint.isCluster()) {
            try {
                BoundedWait.get(c.nodeConnection(endpoint.writesTopology().masterOf(key).getUri()), end);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.debug("No connection to the master of {} on {} yet: {}", keyName(), endpoint.describe(),
                        RedisEndpoint.rootMessage(e));
            }
        }
        return work.run(c, end);
    }

    /** Commands to run on a connection, answered by a deadline (System.nanoTime()). */
    private interface Commands<T> {
        T run(RedisConnection connection, long endNanos);
    }

    private static Duration left(long endNanos) {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    private RedisConnection connection(long endNanos) {
        RedisConnection c = connection;
        if (c == null) {
            connecting.lock();
            try {
                c = connection;
                if (c == null) {
                    c = endpoint.connectForWrites(left(endNanos));
                    connection = c;
                }
            } finally {
                connecting.unlock();
            }
        }
        return c;
    }

    /**
     * Waits for a command's answer, at most until {@code endNanos}, through interrupts: a command
     * already sent may have been executed, so giving up early could store a dead letter twice
     * (once now, once when tried again) or report as lost one that was stored.
     */
    private static <T> T await(Future<T> future, long endNanos) {
        try {
            return BoundedWait.get(future, endNanos);
        } catch (TimeoutException e) {
            future.cancel(false); // a command still queued for a reconnect is then never sent
            throw new RedisCommandTimeoutException("no answer in time");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RedisException re ? re : new RedisException(String.valueOf(cause), cause);
        }
    }

    @Override
    public DeadLetter add(DeadLetter letter) {
        return add(letter, timeout);
    }

    @Override
    public DeadLetter add(DeadLetter letter, Duration within) {
        DeadLetter stored = addAll(List.of(letter), within).get(0);
        if (stored == null) {
            throw new DeadLetterStoreException("cannot store a dead letter in " + keyName() + " on " + endpoint.describe()
                    + ": no answer within " + within.toMillis() + " ms");
        }
        return stored;
    }

    /**
     * Sends every XADD on one connection in one write (pipelined: one round trip for the lot),
     * then waits for the answers; retried, while none is stored, within {@code within}. The raw
     * messages are written out from the dead letters' own bytes, not copied first.
     *
     * <p>The commands are built as Lettuce {@link Command}s and sent with
     * {@code StatefulConnection.dispatch(commands)}, Lettuce's documented way to send
     * several commands in one write: the async API would flush each command on its own, and
     * turning its auto-flush off would hold back every other thread's commands on the shared
     * connection. Runs on every Lettuce Herald supports (6.6 to 7.7).
     */
    @Override
    public List<@Nullable DeadLetter> addAll(List<DeadLetter> letters, Duration within) {
        List<Integer> indexes = IntStream.range(0, letters.size()).boxed().toList();
        long deadline = System.nanoTime() + within.toNanos();
        long delay = 20;
        while (true) {
            try {
                return onConnection("store dead letters in", left(deadline), (connection, end) -> {
                    List<AsyncCommand<byte[], byte[], String>> sent = new ArrayList<>(letters.size());
                    for (DeadLetter letter : letters) {
                        sent.add(new AsyncCommand<>(new Command<>(CommandType.XADD,
                                new StatusOutput<>(ByteArrayCodec.INSTANCE), xadd(letter))));
                    }
                    connection.stateful().dispatch(sent); // one write for the lot (on a cluster, each to its slot's master)
                    return DeadLetterStore.storeEach(indexes, i -> letters.get(i).withId(await(sent.get(i), end)));
                });
            } catch (DeadLetterStoreException e) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) > deadline) {
                    throw new DeadLetterStoreException(e.getMessage() + " (tried for " + within.toMillis() + " ms)", e.getCause());
                }
                endpoint.writesTopology().topologyMayHaveChanged(); // on a cluster: its master gone, perhaps
                log.warn("{}; retrying in {} ms", e.getMessage(), delay);
                pause(TimeUnit.MILLISECONDS.toNanos(delay));
                delay = Math.min(delay * 2, 1000);
            }
        }
    }

    /** The arguments of {@code XADD key MAXLEN ~ retention * field value ...}, the raw message not copied. */
    private CommandArgs<byte[], byte[]> xadd(DeadLetter d) {
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key)
                .add("MAXLEN").add("~").add(retention).add("*");
        add(args, "reason", d.reason().name());
        add(args, "type", d.eventType());
        add(args, "eventId", d.eventId());
        add(args, "handler", d.handler());
        add(args, "attempts", Integer.toString(d.attempts()));
        add(args, "error", d.error());
        add(args, "errorClass", d.errorClass());
        add(args, "stackTrace", d.stackTrace());
        add(args, "firstFailure", d.firstFailure().toString());
        add(args, "time", d.lastFailure().toString());
        args.add("raw").addAll(new CommandArgs<>(RawValues.CODEC).addValue(d.rawMessageBuffer()));
        if (d.truncated()) {
            add(args, "rawLength", Integer.toString(d.rawMessageLength()));
        }
        return args;
    }

    private static void add(CommandArgs<byte[], byte[]> args, String name, @Nullable String value) {
        if (value != null) {
            args.add(name).add(value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Waits between retries, bounded by the write's deadline: an interrupt is kept for later, not obeyed. */
    private static void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        boolean interrupted = Thread.interrupted();
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<DeadLetter> list(int limit) {
        List<StreamMessage<byte[], byte[]>> entries = call("read dead letters from", timeout,
                redis -> redis.xrange(key, Range.unbounded(), Limit.from(limit)));
        List<DeadLetter> out = new ArrayList<>(entries.size());
        for (StreamMessage<byte[], byte[]> entry : entries) {
            out.add(fromEntry(entry));
        }
        return out;
    }

    @Override
    public Optional<DeadLetter> get(String id) {
        if (!ENTRY_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        List<StreamMessage<byte[], byte[]>> entries = call("read dead letters from", timeout,
                redis -> redis.xrange(key, Range.create(id, id)));
        return entries.isEmpty() ? Optional.empty() : Optional.of(fromEntry(entries.get(0)));
    }

    @Override
    public boolean delete(String id) {
        if (!ENTRY_ID.matcher(id).matches()) {
            return false;
        }
        return call("delete a dead letter from", timeout, redis -> redis.xdel(key, id)) > 0;
    }

    @Override
    public long size() {
        return call("count the dead letters in", timeout, redis -> redis.xlen(key));
    }

    @Override
    public long purge() {
        return call("purge the dead letters in", timeout, redis -> redis.xtrim(key, 0));
    }

    /** Closes the shared connection; later calls use a short-lived one. */
    public void close() {
        closed = true;
        RedisConnection c = connection;
        if (c != null) {
            c.close();
        }
    }

    private String keyName() {
        return new String(key, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ the entry's fields

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
        byte[] raw = f.get("raw") == null ? new byte[0] : f.get("raw");
        String rawLength = text(f, "rawLength");
        return new DeadLetter(entry.getId(), parsed, text(f, "type"), text(f, "eventId"), text(f, "handler"),
                attempts == null ? 0 : Integer.parseInt(attempts), error == null ? "(no error recorded)" : error,
                text(f, "errorClass"), text(f, "stackTrace"), raw, first, last,
                rawLength == null ? raw.length : Math.max(raw.length, Integer.parseInt(rawLength)));
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
