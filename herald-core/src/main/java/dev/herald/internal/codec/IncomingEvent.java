package dev.herald.internal.codec;

import dev.herald.Envelope;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A received CloudEvent with its attributes read and its data still JSON (a slice of the message, parsed per payload class). */
public record IncomingEvent(
        String id,
        String type,
        String source,
        @Nullable Instant time,
        @Nullable String correlationId,
        @Nullable String causationId,
        @Nullable String subject,
        Map<String, String> headers,
        DataSlice data) {

    public <E> Envelope<E> toEnvelope(E payload) {
        return new Envelope<>(id, type, source, time, correlationId, causationId, subject, headers, payload);
    }
}
