package dev.herald.redis.internal.streams;

import dev.herald.redis.internal.RedisConnection;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that a handler starts on an entry, but only while the entry is still pending with this
 * consumer: its delivery counter becomes the number of starts ({@code XCLAIM ... RETRYCOUNT n
 * JUSTID}, which also restarts its idle time, so no other consumer claims it for another
 * visibility timeout). Checking the owner and claiming run as one Lua script, so an entry another
 * consumer claimed after it was handed over (it waited in the handler's queue past the visibility
 * timeout, say) is not taken back from that consumer, and both would handle it. A minimum idle
 * time could not tell the two apart: the entry may have waited in this instance's queue for less
 * than the visibility timeout. One command, on the rare paths only: entries taken from the pending
 * list, and entries read that waited long in the handler's queue.
 *
 * <p>The script runs with {@code EVALSHA} of its SHA-1 digest (computed here, never asked of
 * Redis) on the stream's key; where the node does not know it yet ({@code NOSCRIPT}: the first
 * time, after a restart, {@code SCRIPT FLUSH}, or on a cluster a node that became the stream's
 * master by a failover or a slot migration) it runs once with {@code EVAL} of its text, which also
 * caches it on that node. {@code SCRIPT LOAD} is not used: being keyless, on a cluster it could
 * reach another node than the stream's. A Redis user without the ACL category
 * {@code @scripting} (or with {@code EVAL} renamed away) gets a warning once, and starts are then
 * recorded with {@code XPENDING} and a plain {@code XCLAIM ... RETRYCOUNT}: two commands, and the
 * owner check is no longer atomic with the claim (another consumer claiming the entry between the
 * two would lose it to this one). Thread-safe: the handler's workers call it.
 */
final class StartRecorder {

    private static final Logger log = LoggerFactory.getLogger(StartRecorder.class);

    /** KEYS[1] stream; ARGV group, id, consumer, starts. 1 if recorded, 0 if not pending with the consumer. */
    private static final String SCRIPT = """
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
            if #pending == 0 or pending[1][2] ~= ARGV[3] then
                return 0
            end
            redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'RETRYCOUNT', ARGV[4], 'JUSTID')
            return 1
            """;

    /** The script's SHA-1 digest, in hex, as Redis names it. */
    private static final String DIGEST = sha1Hex(SCRIPT);

    private final String endpoint;
    private final AtomicBoolean scriptingRefused = new AtomicBoolean();

    /**
     * @param endpoint the Redis endpoint as the logs name it
     */
    StartRecorder(String endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Records start number {@code starts} of the handler on entry {@code id}, synchronously (it
     * counts even if the process dies in the handler).
     *
     * @return true if recorded; false if the entry is no longer pending with {@code us}: another
     *     consumer took it over, or it was acknowledged
     * @throws RedisCommandTimeoutException if Redis does not answer within the connection's timeout
     */
    boolean record(RedisConnection connection, byte[] stream, Consumer<byte[]> us,
            String id, int starts) {
        if (!scriptingRefused.get()) {
            try {
                return byScript(connection.sync(), stream, us, id, starts);
            } catch (RedisCommandExecutionException e) {
                if (!refusesScripting(e)) {
                    throw e;
                }
                if (scriptingRefused.compareAndSet(false, true)) {
                    log.warn("Redis at {} refuses Lua scripts to this user ({}): starts of handlers on claimed entries "
                            + "are recorded with XPENDING and XCLAIM instead, whose owner check is not atomic; grant "
                            + "the ACL category @scripting (EVALSHA, EVAL) to close that gap", endpoint,
                            e.getMessage());
                }
            }
        }
        return byClaim(connection.sync(), stream, us, id, starts);
    }

    private boolean byScript(RedisClusterCommands<byte[], byte[]> redis, byte[] stream, Consumer<byte[]> us, String id,
            int starts) {
        byte[][] keys = {stream};
        byte[][] args = {us.getGroup(), bytes(id), us.getName(), bytes(Integer.toString(starts))};
        Long recorded;
        try {
            recorded = redis.evalsha(DIGEST, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisNoScriptException e) { // not cached on this node yet: EVAL goes to the same one, by the key
            recorded = redis.eval(SCRIPT, ScriptOutputType.INTEGER, keys, args);
        }
        return recorded != null && recorded == 1L;
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes(text)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** Without scripting: the owner check, then the claim, not atomic. */
    private static boolean byClaim(RedisClusterCommands<byte[], byte[]> redis, byte[] stream, Consumer<byte[]> us, String id,
            int starts) {
        List<PendingMessage> pending = redis.xpending(stream,
                XPendingArgs.Builder.xpending(us.getGroup(), Range.create(id, id), Limit.from(1)));
        String ours = new String(us.getName(), StandardCharsets.UTF_8);
        if (pending.isEmpty() || !ours.equals(pending.get(0).getConsumer())) {
            return false;
        }
        redis.xclaim(stream, us, XClaimArgs.Builder.minIdleTime(0).retryCount(starts).justid(), id);
        return true;
    }

    /** NOPERM (an ACL without {@code @scripting}) or an unknown command (EVALSHA renamed away). */
    private static boolean refusesScripting(RedisCommandExecutionException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("NOPERM") || message.contains("unknown command");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
