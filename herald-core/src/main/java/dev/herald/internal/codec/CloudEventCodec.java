package dev.herald.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.herald.DeadLetter.Reason;
import dev.herald.Envelope;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * CloudEvents 1.0 in JSON structured mode: one UTF-8 JSON object per message.
 *
 * <p>Attributes written, in the order and form {@link WireLayout} describes: {@code specversion},
 * the extensions {@code publisherid} and {@code publisherseq} (first, so that a subscriber finds
 * them without a parse), {@code id}, {@code source}, {@code type}, {@code time} (RFC 3339, UTC),
 * {@code datacontenttype} ({@code application/json}), {@code subject}, the extensions
 * {@code correlationid}, {@code causationid} and the envelope's headers, then {@code data}.
 *
 * <p>Speed: the attributes are written byte by byte into a buffer made for the event (as long as
 * the last event: usually no copy), and Jackson writes only the data, long ASCII strings in
 * one copy ({@link AsciiStringSerializer}). Reading, Jackson's streaming parser reads the
 * attributes and passes over the data, which it binds to the handler's class in the same pass
 * where it can. Thread-safe.
 */
public final class CloudEventCodec {

    private final ObjectMapper mapper;
    private final int maxMessageSize;
    /** The length of the last event encoded, by any thread: only a hint for the next one's buffer. */
    private int lastSize = 1024;

    public CloudEventCodec(@Nullable ObjectMapper userMapper, int maxMessageSize) {
        this(userMapper, maxMessageSize, true);
    }

    /** For the benchmark of each speed-up against its plain alternative (SpeedUpBench). */
    CloudEventCodec(@Nullable ObjectMapper userMapper, int maxMessageSize, boolean asciiStrings) {
        this.mapper = configure(userMapper, asciiStrings);
        this.maxMessageSize = maxMessageSize;
    }

    private static ObjectMapper configure(@Nullable ObjectMapper userMapper, boolean asciiStrings) {
        ObjectMapper m = userMapper != null ? userMapper.copy() : defaultMapper();
        m.registerModule(new JavaTimeModule());
        m.registerModule(new Jdk8Module());
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        m.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // errors name line and column (JsonProblem), never a copy of the message (Jackson 2.15's default)
        m.getFactory().disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);
        // exact decimals survive the JSON tree: BigDecimal("1.50") stays 1.50
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        m.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        if (asciiStrings) {
            AsciiStringSerializer.install(m);
        }
        return m;
    }

    /**
     * Herald's own mapper: unknown properties ignored, and (Jackson 2.18 and later) characters
     * outside the BMP, such as emoji, written as plain UTF-8 bytes instead of escaped surrogate
     * pairs; older versions write the escapes, which every JSON reader decodes alike.
     */
    private static ObjectMapper defaultMapper() {
        JsonMapper.Builder builder = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JacksonFeatures.writeFeature("COMBINE_UNICODE_SURROGATES_IN_UTF8").ifPresent(builder::enable);
        return builder.build();
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * Encodes an envelope.
     *
     * @throws IllegalArgumentException if the payload cannot be serialized
     */
    public byte[] encode(Envelope<?> envelope, @Nullable String publisherId, long publisherSeq) {
        Output out = new Output(lastSize);
        try {
            // the attributes are written here, byte by byte; Jackson writes only the data
            out.ascii(WireLayout.OPENING);
            if (publisherId != null) { // first: a subscriber reads them from the opening (WireLayout)
                out.attribute(WireLayout.PUBLISHER_ID, publisherId);
                out.ascii(PUBLISHER_SEQ_NAME);
                out.number(publisherSeq);
            }
            int idStart = out.size;
            out.attribute(WireLayout.ID, envelope.id());
            int idEnd = out.size;
            out.attribute(WireLayout.SOURCE, envelope.source());
            out.attribute(WireLayout.TYPE, envelope.type());
            if (envelope.time() != null) {
                out.attribute(WireLayout.TIME, Rfc3339.format(envelope.time()));
            }
            out.ascii(WireLayout.CONTENT_TYPE_ATTRIBUTE);
            out.attributeIfPresent(WireLayout.SUBJECT, envelope.subject());
            if (envelope.id().equals(envelope.correlationId())) {
                out.ascii(CORRELATION_ID_NAME); // a new correlation starts with the event: its id, already written
                out.copy(idStart + ID_NAME.length, idEnd);
            } else {
                out.attributeIfPresent(WireLayout.CORRELATION_ID, envelope.correlationId());
            }
            out.attributeIfPresent(WireLayout.CAUSATION_ID, envelope.causationId());
            for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
                out.attribute(header.getKey(), header.getValue());
            }
            out.ascii(DATA_NAME);
            try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
                g.setCodec(mapper);
                g.writeObject(envelope.payload());
            }
            out.write('}');
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event of " + envelope.payload().getClass().getName()
                    + " (type '" + envelope.type() + "') cannot be serialized to JSON" + JsonProblem.at(e, null, 0) + ": "
                    + JsonProblem.problem(e), e);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        if (out.size != lastSize) {
            lastSize = out.size; // the next event is likely as long: its buffer then fits it, no copy
        }
        return out.toByteArray();
    }

    private static final JsonStringEncoder STRINGS =
            JsonStringEncoder.getInstance();
    private static final byte[] PUBLISHER_SEQ_NAME = WireLayout.member(WireLayout.PUBLISHER_SEQ);
    private static final byte[] ID_NAME = WireLayout.member(WireLayout.ID);
    private static final byte[] CORRELATION_ID_NAME = WireLayout.member(WireLayout.CORRELATION_ID);
    private static final byte[] DATA_NAME = WireLayout.member(WireLayout.DATA);

    /** One event's bytes, in a buffer made for it. */
    private static final class Output extends OutputStream {
        private byte[] buffer;
        private int size;

        Output(int capacity) {
            this.buffer = new byte[Math.max(capacity, 64)];
        }

        @Override
        public void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buffer, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        }

        /** Bytes known to be plain ASCII needing no escapes (our own attribute names). */
        void ascii(byte[] text) {
            write(text, 0, text.length);
        }

        /** A number, in decimal. */
        void number(long value) {
            String text = Long.toString(value);
            int n = text.length();
            ensure(n);
            byte[] b = buffer;
            int p = size;
            for (int i = 0; i < n; i++) {
                b[p++] = (byte) text.charAt(i);
            }
            size = p;
        }

        /** Again the bytes at {@code [from, to)} of this message. */
        void copy(int from, int to) {
            ensure(to - from);
            System.arraycopy(buffer, from, buffer, size, to - from);
            size += to - from;
        }

        void attributeIfPresent(String name, @Nullable String value) {
            if (value != null) {
                attribute(name, value);
            }
        }

        /** {@code ,"name":"value"}, the value escaped as JSON requires. */
        void attribute(String name, String value) {
            write(',');
            quoted(name);
            write(':');
            quoted(value);
        }

        private void quoted(String text) {
            int n = text.length();
            ensure(n + 2);
            byte[] b = buffer; // locals, not fields, in the loop: measured 25% faster
            int p = size;
            b[p++] = '"';
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    // not plain ASCII: let Jackson escape and encode it
                    write('"');
                    byte[] escaped = STRINGS.quoteAsUTF8(text);
                    write(escaped, 0, escaped.length);
                    write('"');
                    return;
                }
                b[p++] = (byte) c;
            }
            b[p++] = '"';
            size = p;
        }
    }


    /** The attributes of a message that is a readable CloudEvent, else null: for naming what a dead letter holds. */
    public @Nullable IncomingEvent decodeOrNull(byte[] raw) {
        try {
            return decode(raw);
        } catch (InvalidMessageException e) {
            return null;
        }
    }

    /** Reads a message's attributes in one pass; the data stays JSON (a slice of the message) until {@link #payload}. */
    public IncomingEvent decode(byte[] raw) throws InvalidMessageException {
        return decode(raw, null, null);
    }

    /**
     * Like {@link #decode(byte[])}, and when the message's {@code type} attribute comes before its
     * {@code data} (as in every event Herald writes) and equals {@code expectedType}, binds the data
     * to {@code dataClass} in the same pass: {@link #payload} then returns that value instead of
     * parsing the data again. Data that does not fit the class is decoded as by {@link #decode(byte[])},
     * so that {@link #payload} reports the problem.
     */
    public IncomingEvent decode(byte[] raw, @Nullable String expectedType, @Nullable Class<?> dataClass)
            throws InvalidMessageException {
        if (raw.length > maxMessageSize) {
            throw new InvalidMessageException(Reason.TOO_LARGE,
                    "message of " + raw.length + " bytes is larger than the limit of " + maxMessageSize + " bytes (maxMessageSize)");
        }
        return checked(parse(raw, expectedType, dataClass));
    }

    /** Reads a message's attributes with the JSON parser: any valid CloudEvent, and a clear error for anything else. */
    private UncheckedAttributes parse(byte[] raw, @Nullable String expectedType, @Nullable Class<?> dataClass)
            throws InvalidMessageException {
        UncheckedAttributes a = new UncheckedAttributes();
        try (JsonParser p = mapper.getFactory().createParser(raw)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidMessageException(Reason.UNDECODABLE, "not a JSON object but "
                        + (first == null ? "empty input" : "a JSON " + describe(first)));
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                switch (name) {
                    case WireLayout.SPECVERSION -> a.specVersion = attribute(p, value, name, true);
                    case WireLayout.ID -> a.id = attribute(p, value, name, true);
                    case WireLayout.SOURCE -> a.source = attribute(p, value, name, true);
                    case WireLayout.TYPE -> a.type = attribute(p, value, name, true);
                    case WireLayout.TIME -> a.time = attribute(p, value, name, false);
                    case WireLayout.DATA_CONTENT_TYPE -> a.contentType = attribute(p, value, name, false);
                    case WireLayout.SUBJECT -> a.subject = attribute(p, value, name, false);
                    case WireLayout.CORRELATION_ID -> a.correlationId = attribute(p, value, name, false);
                    case WireLayout.CAUSATION_ID -> a.causationId = attribute(p, value, name, false);
                    case WireLayout.DATA_SCHEMA -> p.skipChildren();
                    case WireLayout.DATA -> {
                        if (dataClass != null && a.type != null && a.type.equals(expectedType)) {
                            a.data = bound(p, value, raw, dataClass);
                            if (a.data == null) {
                                return parse(raw, null, null); // the data does not fit: payload() says why
                            }
                        } else {
                            a.data = dataOf(p, value, raw);
                        }
                    }
                    case WireLayout.DATA_BASE64 -> {
                        a.base64 = true;
                        p.skipChildren();
                    }
                    default -> {
                        if (value != JsonToken.VALUE_NULL) {
                            a.headers = Extensions.put(a.headers, name,
                                    value.isScalarValue() ? p.getText() : new String(json(p), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidMessageException(Reason.UNDECODABLE, "not valid JSON: trailing content after the object");
            }
        } catch (IOException e) {
            String known = a.id != null ? "event " + a.id + (a.type != null ? ", type '" + a.type + "'" : "")
                    : a.type != null ? "type '" + a.type + "'" : "";
            throw new InvalidMessageException(Reason.UNDECODABLE, "not valid JSON" + JsonProblem.at(e, raw, 0) + ": "
                    + JsonProblem.problem(e) + (known.isEmpty() ? "" : " (" + known + ")"), e);
        }
        return a;
    }

    /** The attributes checked as CloudEvents 1.0 requires, made into an event. */
    private static IncomingEvent checked(UncheckedAttributes a) throws InvalidMessageException {
        String specVersion = required(a.specVersion, WireLayout.SPECVERSION);
        if (!WireLayout.SPEC_VERSION.equals(specVersion)) {
            throw new InvalidMessageException(Reason.UNDECODABLE,
                    "unsupported specversion '" + specVersion + "': Herald reads CloudEvents 1.0 (\"specversion\":\"1.0\")");
        }
        String id = required(a.id, WireLayout.ID);
        String source = required(a.source, WireLayout.SOURCE);
        String type = required(a.type, WireLayout.TYPE);
        Instant parsedTime = parseTime(a.time);
        if (a.contentType != null && !isJson(a.contentType)) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "datacontenttype '" + a.contentType
                    + "' is not JSON: Herald reads JSON data (application/json)");
        }
        if (a.data == null) {
            throw new InvalidMessageException(Reason.UNDECODABLE, a.base64
                    ? "data_base64 is not supported: Herald reads JSON data in the 'data' attribute"
                    : "missing attribute 'data': Herald events carry their payload in 'data'");
        }
        return new IncomingEvent(id, type, source, parsedTime, a.correlationId, a.causationId, a.subject,
                Extensions.toMap(a.headers), a.data);
    }

    /**
     * The data's place in the message. An object or array (every Herald event) is skipped over,
     * not copied, and parsed once, into its class, by {@link #payload}; a scalar is re-encoded.
     */
    private DataSlice dataOf(JsonParser p, JsonToken value, byte[] raw) throws IOException {
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
            long start = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            long end = p.currentLocation().getByteOffset();
            if (start >= 0 && end > start && end <= raw.length) {
                return new DataSlice(raw, (int) start, (int) (end - start), null);
            }
        }
        byte[] scalar = json(p);
        return new DataSlice(scalar, 0, scalar.length, null);
    }

    /**
     * The data bound to {@code dataClass} while the parser passes over it, with its place in the
     * message; null if it does not fit the class.
     */
    private @Nullable DataSlice bound(JsonParser p, JsonToken value, byte[] raw, Class<?> dataClass) {
        if (value != JsonToken.START_OBJECT && value != JsonToken.START_ARRAY) {
            return null;
        }
        try {
            long start = p.currentTokenLocation().getByteOffset();
            Object parsed = readers.get(dataClass).readValue(p);
            long end = p.currentLocation().getByteOffset();
            if (parsed == null || start < 0 || end <= start || end > raw.length) {
                return null;
            }
            return new DataSlice(raw, (int) start, (int) (end - start), parsed);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Per class, a reader of the data in the middle of a message (what follows the data is not trailing content). */
    private final ClassValue<ObjectReader> readers = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return mapper.readerFor(type).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
    };

    /**
     * The extension attributes of one message as read, made into an immutable map once at the end
     * (the envelope keeps it without copying). Repeated names: the last wins, as in a map.
     */
    static final class Extensions {
        private String[] pairs = new String[4];
        private int size;

        static Extensions put(@Nullable Extensions into, String name, String value) {
            Extensions e = into != null ? into : new Extensions();
            for (int i = 0; i < e.size; i += 2) {
                if (e.pairs[i].equals(name)) {
                    e.pairs[i + 1] = value;
                    return e;
                }
            }
            if (e.size == e.pairs.length) {
                e.pairs = Arrays.copyOf(e.pairs, e.size * 2);
            }
            e.pairs[e.size++] = name;
            e.pairs[e.size++] = value;
            return e;
        }

        @SuppressWarnings("unchecked")
        static Map<String, String> toMap(@Nullable Extensions e) {
            if (e == null) {
                return Map.of();
            }
            String[] p = e.pairs;
            return switch (e.size) {
                case 2 -> Map.of(p[0], p[1]);
                case 4 -> Map.of(p[0], p[1], p[2], p[3]);
                default -> {
                    Map.Entry<String, String>[] entries = new Map.Entry[e.size / 2];
                    for (int i = 0; i < entries.length; i++) {
                        entries[i] = Map.entry(p[2 * i], p[2 * i + 1]);
                    }
                    yield Map.ofEntries(entries);
                }
            };
        }
    }

    /** The current value, re-encoded as compact JSON (numbers exactly as written). */
    private byte[] json(JsonParser p) throws IOException {
        TokenBuffer tokens = new TokenBuffer(p, null);
        tokens.copyCurrentStructure(p);
        return mapper.writeValueAsBytes(tokens);
    }

    /** Converts an event's data to a class. */
    public <E> E payload(IncomingEvent event, Class<E> type) throws InvalidMessageException {
        DataSlice data = event.data();
        if (type.isInstance(data.parsed())) {
            return type.cast(data.parsed()); // bound by decode(raw, type, class), for this handler alone
        }
        E value;
        try {
            value = mapper.readValue(data.bytes(), data.offset(), data.length(), type);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "data of event " + event.id() + " (type '" + event.type()
                    + "') does not fit " + type.getName() + JsonProblem.at(e, data.bytes(), data.offset()) + ": "
                    + JsonProblem.problem(e), e);
        }
        if (value == null) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "data of event " + event.id() + " is null; expected " + type.getName());
        }
        return value;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase();
        };
    }

    /** A CloudEvents attribute: a string; null (or absent) allowed only where not required. */
    private @Nullable String attribute(JsonParser p, JsonToken value, String name, boolean required)
            throws IOException, InvalidMessageException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING || (required && p.getTextLength() == 0)) {
            String shown = value.isScalarValue() ? p.getText() : new String(json(p), StandardCharsets.UTF_8);
            if (required) {
                throw new InvalidMessageException(Reason.UNDECODABLE,
                        "CloudEvents attribute '" + name + "' must be a non-empty string but was " + shown);
            }
            return shown;
        }
        return p.getText();
    }


    private static String required(@Nullable String value, String name) throws InvalidMessageException {
        if (value == null) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "missing required CloudEvents attribute '" + name + "'");
        }
        return value;
    }

    private static boolean isJson(String contentType) {
        if (contentType.equals(WireLayout.CONTENT_TYPE)) {
            return true; // what Herald writes: no splitting per event
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase();
        return base.equals("application/json") || base.equals("text/json") || base.endsWith("+json");
    }



    private static @Nullable Instant parseTime(@Nullable String text) throws InvalidMessageException {
        if (text == null) {
            return null;
        }
        try {
            return Rfc3339.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidMessageException(Reason.UNDECODABLE,
                    "attribute 'time' is not an RFC 3339 timestamp: \"" + text + "\"", e);
        }
    }

    /** The data as plain Java values (maps, lists, strings, numbers, booleans). */
    public Object genericPayload(IncomingEvent event) throws InvalidMessageException {
        return payload(event, Object.class);
    }
}
