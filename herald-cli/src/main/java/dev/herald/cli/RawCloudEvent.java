package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A message read as a CloudEvent in JSON structured mode, as any CloudEvents reader would, without
 * a bus: for the tools that look at messages ({@code tail}) or route them ({@code dlq replay}).
 * It has the attributes CloudEvents requires ({@code specversion}, {@code id}, {@code source},
 * {@code type}) as non-empty strings. Immutable.
 *
 * @param json the event's JSON object
 */
record RawCloudEvent(ObjectNode json) {

    private static final List<String> REQUIRED = List.of("specversion", "id", "source", "type");

    /**
     * Reads a message.
     *
     * @throws IllegalArgumentException saying why the message is not such a CloudEvent, e.g.
     *     "not valid JSON at line 1, column 2: ..." or "no \"type\" attribute"
     */
    static RawCloudEvent parse(byte[] raw) {
        JsonNode node;
        try {
            node = ExactJson.MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON" + ExactJson.problem(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("not readable (" + e.getMessage() + ")", e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("not a JSON object, so not a CloudEvent");
        }
        for (String name : REQUIRED) {
            JsonNode value = object.get(name);
            if (value == null || !value.isTextual() || value.textValue().isBlank()) {
                throw new IllegalArgumentException(value == null ? "no \"" + name + "\" attribute, which a CloudEvent needs"
                        : "its \"" + name + "\" is " + value + ", not a non-empty string");
            }
        }
        return new RawCloudEvent(object);
    }

    String type() {
        return json.get("type").textValue();
    }

    String id() {
        return json.get("id").textValue();
    }

    String source() {
        return json.get("source").textValue();
    }

    /** An optional attribute as text ({@code time}, {@code subject}, {@code correlationid}, ...), or null when absent. */
    @Nullable String attribute(String name) {
        JsonNode value = json.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The {@code data}, or null when the event has none. */
    @Nullable JsonNode data() {
        return json.get("data");
    }
}
