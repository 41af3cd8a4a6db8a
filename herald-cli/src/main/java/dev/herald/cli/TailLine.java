package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * What {@code herald tail} prints for one message on a type's channel: the event (time, type, id,
 * source, subject and correlation id when it has them, data as JSON), or, for a message that is
 * not a CloudEvent, {@code UNDECODABLE <type>: <why>: <the message, trimmed>}. Immutable.
 *
 * @param event whether the message is an event (undecodable ones are flagged, not counted)
 * @param text the line
 */
record TailLine(boolean event, String text) {

    /** At most this many characters of an undecodable message are printed. */
    private static final int SHOWN = 200;

    /** The line for a message received on the channel of {@code channelType}. */
    static TailLine of(String channelType, byte[] message) {
        RawCloudEvent e;
        try {
            e = RawCloudEvent.parse(message);
        } catch (IllegalArgumentException notACloudEvent) {
            return new TailLine(false, "UNDECODABLE " + channelType + ": " + notACloudEvent.getMessage() + ": " + shown(message));
        }
        String time = e.attribute("time");
        String subject = e.attribute("subject");
        String correlationId = e.attribute("correlationid");
        JsonNode data = e.data();
        return new TailLine(true, (time != null ? time : "-") + " " + e.type() + " " + e.id() + " source=" + e.source()
                + (subject != null ? " subject=" + subject : "")
                + (correlationId != null ? " correlationid=" + correlationId : "")
                + (data != null ? " " + json(data) : ""));
    }

    private static String json(JsonNode data) {
        try {
            return ExactJson.MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) { // a tree read from JSON writes back
            throw new IllegalStateException("cannot write back the data " + data, e);
        }
    }

    /** The message on one line, white space and control characters as single spaces, cut after {@link #SHOWN} characters. */
    private static String shown(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8).replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        return text.length() <= SHOWN ? text
                : text.substring(0, SHOWN) + "... (" + message.length + " bytes)";
    }
}
