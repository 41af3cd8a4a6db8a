package dev.herald.redis.internal.pubsub;

import java.nio.charset.StandardCharsets;

/**
 * Finds the publisher id and sequence number in a Herald message without parsing the JSON, on
 * the subscriber's event loop: Herald's encoder writes {@code publisherid} and
 * {@code publisherseq} among the attributes, before {@code data}. A key found inside
 * {@code data} (another producer's payload) does not count. Messages from other producers simply
 * have none. Not thread-safe: one instance per reading thread.
 */
final class PublisherStampReader {

    private static final byte[] ID_KEY = "\"publisherid\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ_KEY = "\"publisherseq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_KEY = "\"data\":".getBytes(StandardCharsets.US_ASCII);
    /** How Herald's encoder starts a message: the publisher id then comes at once, with no data before it. */
    private static final byte[] HERALD_OPENING = "{\"specversion\":\"1.0\",\"publisherid\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The last message read: where its publisher id is, and its number. */
    byte[] message;
    /** Whether the last message read had a publisher id but a number that is not one Herald writes. */
    boolean malformed;
    int idStart;
    int idEnd;
    long sequence;

    /**
     * Reads a message; false if it carries no stamp of ours, or one whose number is not a
     * decimal {@code long} (then {@link #malformed} is set).
     */
    boolean read(byte[] message) {
        malformed = false;
        int start;
        if (startsWith(message, 0, HERALD_OPENING)) {
            start = HERALD_OPENING.length; // no search: most messages come from Herald
        } else {
            int id = indexOf(message, ID_KEY, 0, message.length);
            if (id < 0 || indexOf(message, DATA_KEY, 0, id) >= 0) {
                return false;
            }
            start = id + ID_KEY.length;
        }
        int end = start;
        while (end < message.length && message[end] != '"') {
            if (message[end] == '\\') {
                return false; // escaped ids are not ours
            }
            end++;
        }
        if (end >= message.length) {
            return false;
        }
        int seq;
        if (end + 1 < message.length && message[end + 1] == ',' && startsWith(message, end + 2, SEQ_KEY)) {
            seq = end + 2; // where Herald writes it
        } else {
            seq = indexOf(message, SEQ_KEY, 0, message.length);
            if (seq < 0 || indexOf(message, DATA_KEY, 0, seq) >= 0) {
                return false;
            }
        }
        long value = 0;
        int i = seq + SEQ_KEY.length;
        int digits = 0;
        while (i < message.length && message[i] >= '0' && message[i] <= '9') {
            int digit = message[i] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                malformed = true; // past the long range: no publisher of ours numbers so far
                return false;
            }
            value = value * 10 + digit;
            i++;
            digits++;
        }
        if (digits == 0 || i < message.length && !endsNumber(message[i])) {
            malformed = true; // a string, a fraction, a negative number: not a stamp of ours
            return false;
        }
        this.message = message;
        this.idStart = start;
        this.idEnd = end;
        this.sequence = value;
        return true;
    }

    private static boolean endsNumber(byte b) {
        return b == ',' || b == '}' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** Whether the last message read has this publisher id. */
    boolean idEquals(byte[] id) {
        return java.util.Arrays.equals(message, idStart, idEnd, id, 0, id.length);
    }

    byte[] idBytes() {
        return java.util.Arrays.copyOfRange(message, idStart, idEnd);
    }

    String id() {
        return new String(message, idStart, idEnd - idStart, StandardCharsets.UTF_8);
    }

    private static boolean startsWith(byte[] haystack, int at, byte[] needle) {
        return at + needle.length <= haystack.length
                && java.util.Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from, int to) {
        byte first = needle[0];
        for (int i = from; i <= to - needle.length; i++) {
            if (haystack[i] == first && startsWith(haystack, i, needle)) {
                return i;
            }
        }
        return -1;
    }
}
