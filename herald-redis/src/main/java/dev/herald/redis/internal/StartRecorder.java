package dev.herald.redis.internal;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;

/**
 * Records that a handler starts again on an entry taken from the pending list, but only while the
 * entry is still pending with this consumer: its delivery counter becomes the number of starts
 * ({@code XCLAIM ... RETRYCOUNT n JUSTID}, which also restarts its idle time). Checking the owner
 * and claiming run as one Lua script, so an entry another consumer claimed after it was handed
 * over (it waited in the handler's queue past the visibility timeout, say) is not taken back from
 * that consumer, and both would handle it. A minimum idle time could not tell the two apart: the
 * entry may have waited in this instance's queue for less than the visibility timeout. One command,
 * as before, on the rare path only (entries taken from the pending list).
 */
final class StartRecorder {

    /** KEYS[1] stream; ARGV group, id, consumer, starts. 1 if recorded, 0 if not pending with the consumer. */
    private static final String SCRIPT = """
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
            if #pending == 0 or pending[1][2] ~= ARGV[3] then
                return 0
            end
            redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'RETRYCOUNT', ARGV[4], 'JUSTID')
            return 1
            """;

    private StartRecorder() {
    }

    /**
     * Records start number {@code starts} of the handler on entry {@code id}, synchronously (it
     * counts even if the process dies in the handler).
     *
     * @return true if recorded; false if the entry is no longer pending with {@code us}: another
     *     consumer took it over, or it was acknowledged
     * @throws RedisCommandTimeoutException if Redis does not answer within the connection's timeout
     */
    static boolean record(StatefulRedisConnection<byte[], byte[]> connection, byte[] stream, Consumer<byte[]> us,
            String id, int starts) {
        Long recorded = connection.sync().eval(SCRIPT, ScriptOutputType.INTEGER, new byte[][] {stream},
                us.getGroup(), bytes(id), us.getName(), bytes(Integer.toString(starts)));
        return recorded != null && recorded == 1L;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
