package dev.herald.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the attributes of a CloudEvent written in the plain form Herald writes, without a JSON
 * parser: an object whose attribute values are ASCII strings without escapes or plain integers,
 * the data an object or array (read by the caller's {@link DataReader}), optional whitespace
 * between tokens. Anything else (escapes, non-ASCII text, other value types, malformed JSON)
 * makes {@link #scan} return null, and the caller reads the message with its JSON parser, which
 * accepts and rejects exactly as before: this class only takes a shortcut for what it fully
 * understands. The attribute names are {@link WireLayout}'s. Measured at about a third of the parser's time for the
 * attributes of an event.
 *
 * <p>Not thread-safe: one per thread (it remembers the last values of repeating attributes).
 */
final class PlainAttributeScanner {

    /** Reads the data at {@code start} (an object or array); returns it with its end offset, or null if it cannot. */
    interface DataReader {
        /**
         * Reads the data; {@code expectedType} and {@code dataClass} are as the caller passed
         * them to {@link #scan}, {@code type} is the message's type as read so far (null when it
         * comes after the data).
         */
        @Nullable DataRead read(byte[] raw, int start, @Nullable String type, @Nullable String expectedType,
                @Nullable Class<?> dataClass) throws java.io.IOException;
    }

    /** The data and the offset just past it. */
    record DataRead(DataSlice data, int end) {
    }

    /** Attributes whose value is usually the same string from event to event: kept to be returned again. */
    private final String[] lastValues = new String[8];
    private final byte[][] lastBytes = new byte[8][];

    private static final int SPEC_VERSION = 0;
    private static final int SOURCE = 1;
    private static final int TYPE = 2;
    private static final int CONTENT_TYPE = 3;
    private static final int PUBLISHER_ID = 4;

    /** The message's attributes, or null when it is not in the plain form (read it with the parser instead). */
    @Nullable UncheckedAttributes scan(byte[] raw, @Nullable String expectedType, @Nullable Class<?> dataClass,
            DataReader dataReader) throws java.io.IOException {
        int n = raw.length;
        int i = skipSpace(raw, 0);
        if (i >= n || raw[i] != '{') {
            return null;
        }
        i = skipSpace(raw, i + 1);
        UncheckedAttributes a = new UncheckedAttributes();
        if (i < n && raw[i] == '}') {
            return end(raw, i, a);
        }
        while (true) {
            // a name: plain ASCII between quotes
            if (i >= n || raw[i] != '"') {
                return null;
            }
            int nameStart = i + 1;
            int nameEnd = plainStringEnd(raw, nameStart);
            if (nameEnd < 0) {
                return null;
            }
            i = skipSpace(raw, nameEnd + 1);
            if (i >= n || raw[i] != ':') {
                return null;
            }
            i = skipSpace(raw, i + 1);
            if (i >= n) {
                return null;
            }
            int nameLength = nameEnd - nameStart;
            byte first = raw[i];
            if (nameLength == 4 && same(raw, nameStart, DATA)) {
                if (first != '{' && first != '[') {
                    return null; // scalar data: the parser's way
                }
                DataRead data = dataReader.read(raw, i, a.type, expectedType, dataClass);
                if (data == null) {
                    return null;
                }
                a.data = data.data();
                i = data.end();
            } else if (first == '"') {
                int valueEnd = plainStringEnd(raw, i + 1);
                if (valueEnd < 0) {
                    return null;
                }
                if (!attribute(raw, nameStart, nameLength, i + 1, valueEnd, a)) {
                    return null;
                }
                i = valueEnd + 1;
            } else if (first >= '0' && first <= '9' || first == '-') {
                int end = i + 1;
                while (end < n && raw[end] >= '0' && raw[end] <= '9') {
                    end++;
                }
                if (end < n && (raw[end] == '.' || raw[end] == 'e' || raw[end] == 'E')
                        || (first == '-' && end == i + 1) || (first == '0' && end > i + 1) || (first == '-' && raw[i + 1] == '0' && end > i + 2)) {
                    return null; // not a plain integer as JSON writes one
                }
                if (known(raw, nameStart, nameLength) >= 0 || !extension(raw, nameStart, nameLength, i, end, a)) {
                    return null; // a number for a CloudEvents attribute: the parser's error
                }
                i = end;
            } else {
                return null;
            }
            i = skipSpace(raw, i);
            if (i >= n) {
                return null;
            }
            if (raw[i] == '}') {
                return end(raw, i, a);
            }
            if (raw[i] != ',') {
                return null;
            }
            i = skipSpace(raw, i + 1);
        }
    }

    /** After the closing brace, only whitespace. */
    private static @Nullable UncheckedAttributes end(byte[] raw, int closing, UncheckedAttributes a) {
        return skipSpace(raw, closing + 1) == raw.length ? a : null;
    }

    private static final byte[] DATA = ascii(WireLayout.DATA);
    private static final byte[] DATA_BASE64 = ascii(WireLayout.DATA_BASE64);
    private static final byte[] DATA_SCHEMA = ascii(WireLayout.DATA_SCHEMA);
    private static final byte[][] NAMES = {ascii(WireLayout.SPECVERSION), ascii(WireLayout.ID), ascii(WireLayout.SOURCE),
            ascii(WireLayout.TYPE), ascii(WireLayout.TIME), ascii(WireLayout.DATA_CONTENT_TYPE), ascii(WireLayout.SUBJECT),
            ascii(WireLayout.CORRELATION_ID), ascii(WireLayout.CAUSATION_ID)};

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A string-valued attribute or extension; false when the parser must decide (data_base64, dataschema). */
    private boolean attribute(byte[] raw, int nameStart, int nameLength, int start, int end, UncheckedAttributes a) {
        int known = known(raw, nameStart, nameLength);
        if (known >= 0 && known <= 3 && start == end) {
            return false; // a required attribute empty: the parser's error
        }
        switch (known) {
            case 0 -> a.specVersion = repeated(raw, start, end, SPEC_VERSION);
            case 1 -> a.id = text(raw, start, end);
            case 2 -> a.source = repeated(raw, start, end, SOURCE);
            case 3 -> a.type = repeated(raw, start, end, TYPE);
            case 4 -> a.time = text(raw, start, end);
            case 5 -> a.contentType = repeated(raw, start, end, CONTENT_TYPE);
            case 6 -> a.subject = text(raw, start, end);
            case 7 -> a.correlationId = text(raw, start, end);
            case 8 -> a.causationId = text(raw, start, end);
            default -> {
                return extension(raw, nameStart, nameLength, start, end, a);
            }
        }
        return true;
    }

    /** Which of {@link #NAMES} the name is, or -1: by its length first, then its bytes. */
    private static int known(byte[] raw, int nameStart, int nameLength) {
        int k = switch (nameLength) {
            case 2 -> 1; // id
            case 4 -> raw[nameStart + 1] == 'y' ? 3 : 4; // type, time
            case 6 -> 2; // source
            case 7 -> 6; // subject
            case 11 -> raw[nameStart] == 's' ? 0 : 8; // specversion, causationid
            case 13 -> 7; // correlationid
            case 15 -> 5; // datacontenttype
            default -> -1;
        };
        return k >= 0 && same(raw, nameStart, NAMES[k]) ? k : -1;
    }

    /** Whether the bytes at {@code at} are {@code name}; a plain loop: these names are too short for Arrays.equals to pay. */
    private static boolean same(byte[] raw, int at, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (raw[at + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean extension(byte[] raw, int nameStart, int nameLength, int start, int end, UncheckedAttributes a) {
        if (nameLength == DATA_BASE64.length && same(raw, nameStart, DATA_BASE64)
                || nameLength == DATA_SCHEMA.length && same(raw, nameStart, DATA_SCHEMA)) {
            return false;
        }
        String name = name(raw, nameStart, nameLength);
        String value = name.equals(WireLayout.PUBLISHER_ID) ? repeated(raw, start, end, PUBLISHER_ID) : text(raw, start, end);
        a.headers = CloudEventCodec.Extensions.put(a.headers, name, value);
        return true;
    }

    /** Extension names seen lately, each one string: no new string, and its hash computed once, per event. */
    private final String[] names = new String[8];
    private final byte[][] nameBytes = new byte[8][];
    private int nextName;

    private String name(byte[] raw, int start, int length) {
        for (int k = 0; k < names.length && names[k] != null; k++) {
            byte[] known = nameBytes[k];
            if (known.length == length && same(raw, start, known)) {
                return names[k];
            }
        }
        String name = text(raw, start, start + length);
        int k = nextName;
        nextName = (nextName + 1) % names.length;
        nameBytes[k] = Arrays.copyOfRange(raw, start, start + length);
        names[k] = name;
        return name;
    }

    /**
     * The index of the closing quote of a string starting at {@code start} that needs no decoding
     * (ASCII, no escapes, no control characters); -1 otherwise.
     */
    private static int plainStringEnd(byte[] raw, int start) {
        int end = PlainText.firstSpecial(raw, start, raw.length, false);
        return end < raw.length && raw[end] == '"' ? end : -1;
    }

    private static String text(byte[] raw, int start, int end) {
        return new String(raw, start, end - start, StandardCharsets.ISO_8859_1); // ASCII: one copy
    }

    private String repeated(byte[] raw, int start, int end, int slot) {
        byte[] last = lastBytes[slot];
        if (last != null && Arrays.equals(raw, start, end, last, 0, last.length)) {
            return lastValues[slot];
        }
        String value = text(raw, start, end);
        lastBytes[slot] = Arrays.copyOfRange(raw, start, end);
        lastValues[slot] = value;
        return value;
    }

    private static int skipSpace(byte[] raw, int i) {
        while (i < raw.length && (raw[i] == ' ' || raw[i] == '\n' || raw[i] == '\r' || raw[i] == '\t')) {
            i++;
        }
        return i;
    }
}
