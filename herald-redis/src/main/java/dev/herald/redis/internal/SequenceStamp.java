package dev.herald.redis.internal;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads the publisher id and sequence number from a Herald message without parsing the JSON:
 * Herald's encoder writes them before {@code data}, so a scan of the attributes finds them.
 * Messages from other producers simply have none.
 */
record SequenceStamp(String publisherId, long sequence) {

    private static final byte[] ID_KEY = "\"publisherid\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ_KEY = "\"publisherseq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_KEY = "\"data\":".getBytes(StandardCharsets.US_ASCII);

    static @Nullable SequenceStamp read(byte[] message) {
        int end = indexOf(message, DATA_KEY, 0, message.length);
        if (end < 0) {
            end = message.length;
        }
        int id = indexOf(message, ID_KEY, 0, end);
        int seq = indexOf(message, SEQ_KEY, 0, end);
        if (id < 0 || seq < 0) {
            return null;
        }
        int idStart = id + ID_KEY.length;
        int idEnd = idStart;
        while (idEnd < end && message[idEnd] != '"') {
            if (message[idEnd] == '\\') {
                return null; // escaped ids are not ours
            }
            idEnd++;
        }
        long value = 0;
        int i = seq + SEQ_KEY.length;
        int digits = 0;
        while (i < end && message[i] >= '0' && message[i] <= '9' && digits < 18) {
            value = value * 10 + (message[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || idEnd >= end) {
            return null;
        }
        return new SequenceStamp(new String(message, idStart, idEnd - idStart, StandardCharsets.UTF_8), value);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
