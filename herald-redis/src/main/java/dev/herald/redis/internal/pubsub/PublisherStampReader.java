package dev.herald.redis.internal.pubsub;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.herald.internal.codec.WireLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the publisher id and sequence number ({@code publisherid}, {@code publisherseq}) of a
 * message, on the subscriber's event loop. A message that opens as Herald's encoder writes a
 * stamped message ({@link WireLayout}) is read from its opening alone, without a JSON parser: the
 * rest of it is not looked at. Any other message is read with Jackson's streaming parser, which
 * reports the top-level attributes a full parse of the message reports (a key inside
 * {@code data} or another nested value does not count; of a repeated key, the last counts), and
 * nothing for a message that is not a JSON object. Not thread-safe: one instance per reading
 * thread.
 */
final class PublisherStampReader {

    private static final JsonFactory JSON = new JsonFactory();

    /** The last message read, or the publisher id's UTF-8 bytes: where its publisher id is. */
    private byte[] idSource = new byte[0];
    /** Whether the last message read had a publisher id but a number that is not one Herald writes. */
    boolean malformed;
    private int idStart;
    private int idEnd;
    long sequence;

    /**
     * Reads a message; false if it carries no stamp, or one whose number is not a whole number
     * from 0 to {@link Long#MAX_VALUE} (then {@link #malformed} is set).
     */
    boolean read(byte[] message) {
        malformed = false;
        return readOpening(message) || readParsed(message);
    }

    /** The stamp in Herald's own opening: <code>&#123;"specversion":"1.0","publisherid":"ID","publisherseq":N,</code>. */
    private boolean readOpening(byte[] message) {
        int start = WireLayout.publisherIdStart(message);
        if (start < 0) {
            return false;
        }
        int end = start;
        while (end < message.length && message[end] != '"') {
            if (message[end] == '\\' || (message[end] >= 0 && message[end] < 0x20)) {
                return false; // not as Herald writes an id: the parser decides
            }
            end++;
        }
        int i = end < message.length ? WireLayout.publisherSeqStart(message, end) : -1;
        if (i < 0 || message[i] < '0' || message[i] > '9' || message[i] == '0' && i + 1 < message.length && message[i + 1] != ',') {
            return false;
        }
        long value = 0;
        for (; i < message.length && message[i] >= '0' && message[i] <= '9'; i++) {
            int digit = message[i] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return false;
            }
            value = value * 10 + digit;
        }
        if (i >= message.length || message[i] != ',') {
            return false;
        }
        stamp(message, start, end, value);
        return true;
    }

    /** The stamp among the top-level attributes, as a JSON parser reads them. */
    private boolean readParsed(byte[] message) {
        String id = null;
        boolean seqSeen = false;
        long seq = -1;
        try (JsonParser p = JSON.createParser(message)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                if (name.equals(WireLayout.PUBLISHER_ID)) {
                    id = value == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if (name.equals(WireLayout.PUBLISHER_SEQ)) {
                    seqSeen = true;
                    seq = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            && p.getLongValue() >= 0 ? p.getLongValue() : -1;
                }
                p.skipChildren(); // an object or array: what is inside does not count
            }
            if (p.nextToken() != null) {
                return false; // trailing content: not a message
            }
        } catch (IOException e) {
            return false; // not JSON: the decoder dead-letters it
        }
        if (id == null || !seqSeen) {
            return false;
        }
        if (seq < 0) {
            malformed = true; // a string, a fraction, a negative or too large number: not a stamp of ours
            return false;
        }
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        stamp(idBytes, 0, idBytes.length, seq);
        return true;
    }

    private void stamp(byte[] source, int start, int end, long seq) {
        this.idSource = source;
        this.idStart = start;
        this.idEnd = end;
        this.sequence = seq;
    }

    /** Whether the last message read has this publisher id (UTF-8). */
    boolean idEquals(byte[] id) {
        return Arrays.equals(idSource, idStart, idEnd, id, 0, id.length);
    }

    /** The last message's publisher id, UTF-8. */
    byte[] idBytes() {
        return Arrays.copyOfRange(idSource, idStart, idEnd);
    }

    String id() {
        return new String(idSource, idStart, idEnd - idStart, StandardCharsets.UTF_8);
    }
}
