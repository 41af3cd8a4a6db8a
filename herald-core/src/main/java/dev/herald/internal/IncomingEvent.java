package dev.herald.internal;

import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.herald.Envelope;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A received CloudEvent with its attributes read and its data still JSON tokens (read again per payload class). */
public record IncomingEvent(
        String id,
        String type,
        String source,
        @Nullable Instant time,
        @Nullable String correlationId,
        @Nullable String causationId,
        @Nullable String subject,
        Map<String, String> headers,
        TokenBuffer data) {

    public <E> Envelope<E> toEnvelope(E payload) {
        return new Envelope<>(id, type, source, time, correlationId, causationId, subject, headers, payload);
    }
}
