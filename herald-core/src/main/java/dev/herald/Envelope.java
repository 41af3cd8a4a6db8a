package dev.herald;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An event as it travelled: the payload plus its CloudEvents attributes.
 *
 * <p>Attribute names follow CloudEvents 1.0: {@code id}, {@code type}, {@code source},
 * {@code time}, {@code subject}; {@code correlationId} and {@code causationId} travel as the
 * extension attributes {@code correlationid} and {@code causationid}. Every other extension
 * attribute (for example {@code traceparent}, or the publisher's {@code publisherid} and
 * {@code publisherseq}) is in {@link #headers()}, as text.
 *
 * <p>Immutable and thread-safe if the payload is. The headers map is an unmodifiable copy.
 *
 * @param id the event id (for Herald's publishers a time-ordered UUID version 7)
 * @param type the event type name, see {@link EventType}
 * @param source the CloudEvents source: the publishing service
 * @param time when the event was published, or {@code null} if the producer did not say
 * @param correlationId the id shared by every event of one business flow, or {@code null} if the
 *     producer set none (Herald's publishers always set one)
 * @param causationId the id of the event whose handling published this one, or {@code null}
 * @param subject the aggregate id (see {@link DomainEvent#aggregateId()}), or {@code null}
 * @param headers the other extension attributes, as text
 * @param payload the event itself (the CloudEvents {@code data})
 * @param <E> the payload type
 */
public record Envelope<E>(
        String id,
        String type,
        String source,
        @Nullable Instant time,
        @Nullable String correlationId,
        @Nullable String causationId,
        @Nullable String subject,
        Map<String, String> headers,
        E payload) {

    /** Validates and copies the headers. */
    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(payload, "payload");
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
    }

    /**
     * One extension attribute.
     *
     * @param name the attribute name, such as {@code "traceparent"}
     * @return its value, or {@code null} if absent
     */
    public @Nullable String header(String name) {
        return headers.get(name);
    }
}
