package dev.herald;

import dev.herald.internal.codec.ExtensionNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Optional attributes for one {@link EventBus#publish(Object, Metadata) publish}: correlation and
 * causation ids, subject, and extra CloudEvents extension attributes ("headers").
 *
 * <pre>{@code
 * bus.publish(new OrderPlaced("43", 100), Metadata.correlationId("req-7").withHeader("tenant", "acme"));
 * }</pre>
 *
 * <p>What is left {@code null} is filled in by the bus: inside a handler, the correlation id of
 * the event being handled and its id as causation id; elsewhere, the new event's own id as
 * correlation id. The subject defaults to {@link DomainEvent#aggregateId()}.
 *
 * <p>Header names are CloudEvents extension names: 1 to 20 lower-case letters or digits, and not
 * one of the attributes Herald sets itself. Immutable and thread-safe.
 *
 * @param correlationId the correlation id, or {@code null} to inherit or default it
 * @param causationId the causation id, or {@code null} to inherit it
 * @param subject the subject (aggregate id), or {@code null} for the event's own
 * @param headers extension attributes to send; copied
 */
public record Metadata(
        @Nullable String correlationId,
        @Nullable String causationId,
        @Nullable String subject,
        Map<String, String> headers) {

    private static final Metadata EMPTY = new Metadata(null, null, null, Map.of());

    /**
     * Attribute names Herald writes itself, which a header may not use.
     */
    public static final Set<String> RESERVED_NAMES = Set.of(
            "specversion", "id", "source", "type", "time", "datacontenttype", "dataschema",
            "subject", "data", "data_base64", "correlationid", "causationid", "publisherid",
            "publisherseq");

    /** Validates every value and copies the headers. */
    public Metadata {
        requireNonBlank(correlationId, "correlationId");
        requireNonBlank(causationId, "causationId");
        requireNonBlank(subject, "subject");
        Objects.requireNonNull(headers, "headers");
        headers.forEach(Metadata::checkHeader);
        headers = Map.copyOf(headers);
    }

    /**
     * No metadata: everything defaulted by the bus.
     *
     * @return the empty metadata
     */
    public static Metadata empty() {
        return EMPTY;
    }

    /**
     * Metadata with only a correlation id.
     *
     * @param correlationId the correlation id, not blank
     * @return new metadata
     */
    public static Metadata correlationId(String correlationId) {
        return EMPTY.withCorrelationId(correlationId);
    }

    /**
     * This metadata with another correlation id.
     *
     * @param correlationId the correlation id, not blank
     * @return new metadata
     */
    public Metadata withCorrelationId(String correlationId) {
        return new Metadata(Objects.requireNonNull(correlationId, "correlationId"), causationId, subject, headers);
    }

    /**
     * This metadata with another causation id.
     *
     * @param causationId the id of the event that caused this one, not blank
     * @return new metadata
     */
    public Metadata withCausationId(String causationId) {
        return new Metadata(correlationId, Objects.requireNonNull(causationId, "causationId"), subject, headers);
    }

    /**
     * This metadata with another subject.
     *
     * @param subject the subject (aggregate id), not blank
     * @return new metadata
     */
    public Metadata withSubject(String subject) {
        return new Metadata(correlationId, causationId, Objects.requireNonNull(subject, "subject"), headers);
    }

    /**
     * This metadata with one more header (replacing one of the same name).
     *
     * @param name a CloudEvents extension name: 1 to 20 lower-case letters or digits
     * @param value the value, not {@code null}
     * @return new metadata
     * @throws IllegalArgumentException if the name is not a valid or is a reserved name
     */
    public Metadata withHeader(String name, String value) {
        checkHeader(name, value);
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Metadata(correlationId, causationId, subject, copy);
    }

    private static void checkHeader(String name, String value) {
        ExtensionNames.check("header", name, value);
    }

    private static void requireNonBlank(@Nullable String value, String what) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank but was '" + value + "'; pass null to default it");
        }
    }
}
