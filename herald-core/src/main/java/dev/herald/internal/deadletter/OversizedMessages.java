package dev.herald.internal.deadletter;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The oversized messages a bus dead-lettered lately, so that each is stored once whatever the
 * number of its handlers: the first handler that meets one stores it; the others that meet the
 * same message (same type, same length, same SHA-256 of its bytes) only count it. Whichever
 * handler receives it first stores it, so a handler that never receives it (a Streams group
 * created later, a lagging one) cannot leave it unstored. Bounded: the last {@value #REMEMBERED}
 * messages. The digest is computed for oversized messages only, which are rare. Thread-safe.
 */
final class OversizedMessages {

    static final int REMEMBERED = 64;

    private record Key(String type, int length, long digestHigh, long digestLow) {
    }

    private final Map<Key, String> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    /**
     * Records that a handler met an oversized message.
     *
     * @return null if this handler stores it: it is the first to meet it, or the one that stored it
     *     and meets it again (the same message sent twice, or re-published after its dead letter was
     *     deleted); else the handler that stored it
     */
    @Nullable String claim(String type, byte[] raw, String handler) {
        ByteBuffer digest = ByteBuffer.wrap(sha256(raw));
        Key key = new Key(type, raw.length, digest.getLong(), digest.getLong());
        synchronized (recent) {
            String storedBy = recent.putIfAbsent(key, handler);
            return handler.equals(storedBy) ? null : storedBy;
        }
    }

    private static byte[] sha256(byte[] raw) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
