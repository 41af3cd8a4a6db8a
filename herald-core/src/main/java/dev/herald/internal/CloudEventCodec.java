package dev.herald.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.herald.DeadLetter.Reason;
import dev.herald.Envelope;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * CloudEvents 1.0 in JSON structured mode: one UTF-8 JSON object per message.
 *
 * <p>Attributes written: {@code specversion}, {@code id}, {@code source}, {@code type},
 * {@code time} (RFC 3339, UTC), {@code datacontenttype} ({@code application/json}),
 * {@code subject}, the extensions {@code correlationid}, {@code causationid},
 * {@code publisherid}, {@code publisherseq} and the envelope's headers, then {@code data}.
 * Thread-safe.
 */
public final class CloudEventCodec {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";
    public static final String PUBLISHER_ID = "publisherid";
    public static final String PUBLISHER_SEQ = "publisherseq";

    private static final Set<String> CORE_ATTRIBUTES = Set.of(
            "specversion", "id", "source", "type", "time", "datacontenttype", "dataschema", "subject",
            "data", "data_base64", "correlationid", "causationid");

    private final ObjectMapper mapper;
    private final int maxMessageSize;

    public CloudEventCodec(@Nullable ObjectMapper userMapper, int maxMessageSize) {
        this.mapper = configure(userMapper);
        this.maxMessageSize = maxMessageSize;
    }

    private static ObjectMapper configure(@Nullable ObjectMapper userMapper) {
        ObjectMapper m = userMapper != null ? userMapper.copy()
                : JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        // characters outside the BMP (emoji) as plain UTF-8 bytes, not as escaped surrogate pairs
                        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
        m.registerModule(new JavaTimeModule());
        m.registerModule(new Jdk8Module());
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        m.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // exact decimals survive the JSON tree: BigDecimal("1.50") stays 1.50
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        m.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        return m;
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
        ByteArrayBuilder out = new ByteArrayBuilder(mapper.getFactory()._getBufferRecycler(), 512);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.setCodec(mapper);
            g.writeStartObject();
            g.writeStringField("specversion", SPEC_VERSION);
            g.writeStringField("id", envelope.id());
            g.writeStringField("source", envelope.source());
            g.writeStringField("type", envelope.type());
            if (envelope.time() != null) {
                g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(envelope.time()));
            }
            g.writeStringField("datacontenttype", CONTENT_TYPE);
            writeIfPresent(g, "subject", envelope.subject());
            writeIfPresent(g, "correlationid", envelope.correlationId());
            writeIfPresent(g, "causationid", envelope.causationId());
            if (publisherId != null) {
                g.writeStringField(PUBLISHER_ID, publisherId);
                g.writeNumberField(PUBLISHER_SEQ, publisherSeq);
            }
            for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
                g.writeStringField(header.getKey(), header.getValue());
            }
            g.writeFieldName("data");
            g.writeObject(envelope.payload());
            g.writeEndObject();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event of " + envelope.payload().getClass().getName()
                    + " (type '" + envelope.type() + "') cannot be serialized to JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        byte[] bytes = out.toByteArray();
        out.release();
        return bytes;
    }

    private static void writeIfPresent(JsonGenerator g, String name, @Nullable String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /** Reads a message's attributes; the data stays JSON until {@link #payload}. */
    public IncomingEvent decode(byte[] raw) throws InvalidMessageException {
        if (raw.length > maxMessageSize) {
            throw new InvalidMessageException(Reason.TOO_LARGE,
                    "message of " + raw.length + " bytes is larger than the limit of " + maxMessageSize + " bytes (maxMessageSize)");
        }
        JsonNode root;
        try {
            root = mapper.readTree(raw);
        } catch (IOException e) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "not valid JSON: " + oneLine(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "not a JSON object but "
                    + (root == null || root.isMissingNode() ? "empty input" : "a JSON " + root.getNodeType().name().toLowerCase()));
        }
        String specVersion = requiredString(root, "specversion");
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new InvalidMessageException(Reason.UNDECODABLE,
                    "unsupported specversion '" + specVersion + "': Herald reads CloudEvents 1.0 (\"specversion\":\"1.0\")");
        }
        String id = requiredString(root, "id");
        String source = requiredString(root, "source");
        String type = requiredString(root, "type");
        Instant time = parseTime(root.get("time"));
        JsonNode contentType = root.get("datacontenttype");
        if (contentType != null && !isJson(contentType.asText())) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "datacontenttype '" + contentType.asText()
                    + "' is not JSON: Herald reads JSON data (application/json)");
        }
        JsonNode data = root.get("data");
        if (data == null) {
            throw new InvalidMessageException(Reason.UNDECODABLE, root.has("data_base64")
                    ? "data_base64 is not supported: Herald reads JSON data in the 'data' attribute"
                    : "missing attribute 'data': Herald events carry their payload in 'data'");
        }
        Map<String, String> headers = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!CORE_ATTRIBUTES.contains(field.getKey()) && !field.getValue().isNull()) {
                JsonNode v = field.getValue();
                headers.put(field.getKey(), v.isValueNode() ? v.asText() : v.toString());
            }
        }
        return new IncomingEvent(id, type, source, time, optionalString(root, "correlationid"),
                optionalString(root, "causationid"), optionalString(root, "subject"), headers, data);
    }

    /** Converts an event's data to a class. */
    public <E> E payload(IncomingEvent event, Class<E> type) throws InvalidMessageException {
        E value;
        try {
            value = mapper.treeToValue(event.data(), type);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "data of event " + event.id() + " (type '" + event.type()
                    + "') does not fit " + type.getName() + ": " + oneLine(e), e);
        }
        if (value == null) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "data of event " + event.id() + " is null; expected " + type.getName());
        }
        return value;
    }

    private static boolean isJson(String contentType) {
        String base = contentType.split(";", 2)[0].trim().toLowerCase();
        return base.equals("application/json") || base.equals("text/json") || base.endsWith("+json");
    }

    private static String requiredString(JsonNode root, String name) throws InvalidMessageException {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidMessageException(Reason.UNDECODABLE, "missing required CloudEvents attribute '" + name + "'");
        }
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw new InvalidMessageException(Reason.UNDECODABLE,
                    "CloudEvents attribute '" + name + "' must be a non-empty string but was " + node);
        }
        return node.asText();
    }

    private static @Nullable String optionalString(JsonNode root, String name) {
        JsonNode node = root.get(name);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static @Nullable Instant parseTime(@Nullable JsonNode node) throws InvalidMessageException {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidMessageException(Reason.UNDECODABLE,
                    "attribute 'time' is not an RFC 3339 timestamp: " + node, e);
        }
    }

    static String oneLine(Throwable e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The data as plain Java values (maps, lists, strings, numbers, booleans). */
    public Object genericPayload(IncomingEvent event) throws InvalidMessageException {
        return payload(event, Object.class);
    }
}
