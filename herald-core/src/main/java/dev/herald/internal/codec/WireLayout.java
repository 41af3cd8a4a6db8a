package dev.herald.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The one owner of the layout of the JSON that Herald's encoder writes: the attribute names, the
 * order in which {@link CloudEventCodec#encode} writes them, and the opening bytes of a message.
 * The encoder writes from these constants; the decoder recognizes attributes by them;
 * herald-redis's {@code PublisherStampReader} finds the publisher's stamp at the place
 * {@link #publisherIdStart} and {@link #publisherSeqStart} give. Anything that reads Herald's
 * bytes by position asks this class, so that a change of the layout is made here once.
 *
 * <p>A message Herald writes is one JSON object, without whitespace, its attributes in the order
 * of {@link #ORDER} (each optional one left out when absent; the envelope's headers after
 * {@code causationid}), starting with <code>&#123;"specversion":"1.0"</code> and, when the publisher stamps
 * it, {@code ,"publisherid":"<id>","publisherseq":<number>} at once after that. Thread-safe
 * (constants and stateless methods).
 */
public final class WireLayout {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    public static final String SPECVERSION = "specversion";
    public static final String ID = "id";
    public static final String SOURCE = "source";
    public static final String TYPE = "type";
    public static final String TIME = "time";
    public static final String DATA_CONTENT_TYPE = "datacontenttype";
    public static final String SUBJECT = "subject";
    public static final String CORRELATION_ID = "correlationid";
    public static final String CAUSATION_ID = "causationid";
    public static final String DATA = "data";
    /** Attributes Herald never writes, which a reader must not take for extensions. */
    public static final String DATA_BASE64 = "data_base64";
    public static final String DATA_SCHEMA = "dataschema";
    /** The publisher's instance id and its per-instance sequence number (gap detection). */
    public static final String PUBLISHER_ID = "publisherid";
    public static final String PUBLISHER_SEQ = "publisherseq";

    /**
     * The attributes in the order the encoder writes them; the envelope's headers come between
     * {@code causationid} and {@code data}.
     */
    public static final List<String> ORDER = List.of(SPECVERSION, PUBLISHER_ID, PUBLISHER_SEQ, ID, SOURCE, TYPE, TIME,
            DATA_CONTENT_TYPE, SUBJECT, CORRELATION_ID, CAUSATION_ID, DATA);

    /** <code>&#123;"specversion":"1.0"</code>: how every message Herald writes starts. */
    static final byte[] OPENING = ascii("{\"" + SPECVERSION + "\":\"" + SPEC_VERSION + "\"");
    /** {@code ,"datacontenttype":"application/json"}: the one attribute whose value is always the same. */
    static final byte[] CONTENT_TYPE_ATTRIBUTE = ascii(",\"" + DATA_CONTENT_TYPE + "\":\"" + CONTENT_TYPE + "\"");
    /** The opening of a stamped message, up to the first byte of the publisher id's value. */
    private static final byte[] STAMPED_OPENING = ascii("{\"" + SPECVERSION + "\":\"" + SPEC_VERSION + "\",\"" + PUBLISHER_ID + "\":\"");
    /** What follows the publisher id's closing quote, up to the first digit of the sequence number. */
    private static final byte[] SEQ_MEMBER = member(PUBLISHER_SEQ);

    private WireLayout() {
    }

    /** {@code ,"name":}: an attribute's name as the encoder writes it after the one before. */
    static byte[] member(String name) {
        return ascii(",\"" + name + "\":");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Where the publisher id's value starts (the byte after its opening quote) when the message
     * opens as a stamped message Herald writes; -1 otherwise.
     */
    public static int publisherIdStart(byte[] message) {
        int n = STAMPED_OPENING.length;
        return message.length > n && Arrays.equals(message, 0, n, STAMPED_OPENING, 0, n) ? n : -1;
    }

    /**
     * Where the sequence number's first digit is, given the index of the publisher id's closing
     * quote, when the number follows it as Herald writes it; -1 otherwise.
     */
    public static int publisherSeqStart(byte[] message, int idClosingQuote) {
        int from = idClosingQuote + 1;
        int to = from + SEQ_MEMBER.length;
        return to < message.length && Arrays.equals(message, from, to, SEQ_MEMBER, 0, SEQ_MEMBER.length) ? to : -1;
    }
}
