package dev.herald;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An event Herald could not handle, kept with the reason so that it can be inspected, replayed
 * or deleted through {@link DeadLetterQueue}.
 *
 * <p>The raw message is kept byte for byte as it was received, so even a message that could not
 * be decoded can be looked at and fixed; only an oversized ({@link Reason#TOO_LARGE}) one is cut
 * to its first bytes (see {@link #truncated()}), its original length kept. Immutable and
 * thread-safe: {@link #rawMessage()} returns a copy.
 *
 * @param id the dead letter's id in its store (not the event's id)
 * @param reason why the event is here
 * @param eventType the event type, or {@code null} when it could not be read
 * @param eventId the event id, or {@code null} when it could not be read
 * @param handler the name of the handler that could not handle it, or {@code null} when no
 *     handler was involved; an oversized message is stored once for all the handlers of its type
 *     on a bus, under the name of the first of them that received it
 * @param attempts how many times the handler was called (0 for input that never reached it)
 * @param error a one-line description: exception class and message, or what is wrong with the input
 * @param errorClass the class name of the last exception, or {@code null}
 * @param stackTrace a trimmed stack trace of the last exception, or {@code null}
 * @param rawMessage the message exactly as received, or its first bytes when it was too large to
 *     keep whole (see {@link #truncated()})
 * @param firstFailure when the first attempt failed (or the input was rejected)
 * @param lastFailure when the last attempt failed
 * @param rawMessageLength the length in bytes of the message as received: {@code rawMessage}'s length,
 *     or more when only its first bytes were kept
 */
public record DeadLetter(
        String id,
        Reason reason,
        @Nullable String eventType,
        @Nullable String eventId,
        @Nullable String handler,
        int attempts,
        String error,
        @Nullable String errorClass,
        @Nullable String stackTrace,
        byte[] rawMessage,
        Instant firstFailure,
        Instant lastFailure,
        int rawMessageLength) {

    /** Why an event became a dead letter. */
    public enum Reason {
        /** The handler failed on every attempt its retry policy allowed, or with a non-retryable exception. */
        HANDLER_FAILED,
        /** The message is not a CloudEvent Herald can read, or its data does not fit the event class. */
        UNDECODABLE,
        /** The message names a type that the receiving subscription does not handle. */
        UNKNOWN_TYPE,
        /** The message is larger than the bus's maximum message size. */
        TOO_LARGE,
        /** The bus shut down before the event could be handled: parked, not lost. */
        SHUTDOWN
    }

    /**
     * The raw messages of dead letters that {@link #withId(String)} is copying right now (arrays
     * compare by identity): shared by the copy, not cloned again. Only a dead letter's own array,
     * never handed out, is ever in it, so no other caller can pass one; the set is empty between
     * calls, and no thread keeps anything.
     */
    private static final Set<byte[]> SHARING = ConcurrentHashMap.newKeySet();

    /** Validates and copies the raw message. */
    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(firstFailure, "firstFailure");
        Objects.requireNonNull(lastFailure, "lastFailure");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0 but was " + attempts);
        }
        Objects.requireNonNull(rawMessage, "rawMessage");
        rawMessage = SHARING.contains(rawMessage) ? rawMessage : rawMessage.clone();
        if (rawMessageLength < rawMessage.length) {
            throw new IllegalArgumentException("rawMessageLength must be >= the " + rawMessage.length
                    + " bytes kept but was " + rawMessageLength);
        }
    }

    /**
     * Whether {@link #rawMessage()} holds only the first bytes of the message (an oversized one,
     * capped by the bus's {@code deadLetterRawLimit}); such a dead letter cannot be replayed.
     *
     * @return true if bytes were dropped
     */
    public boolean truncated() {
        return rawMessageLength > rawMessage.length;
    }

    /**
     * The message exactly as received, or its first bytes if {@link #truncated()}.
     *
     * @return a copy of the raw bytes
     */
    @Override
    public byte[] rawMessage() {
        return rawMessage.clone();
    }

    /**
     * The message exactly as received, or its first bytes if {@link #truncated()}, without copying
     * it: for stores that write it out.
     *
     * @return a read-only view of the raw bytes
     */
    public ByteBuffer rawMessageBuffer() {
        return ByteBuffer.wrap(rawMessage).asReadOnlyBuffer();
    }

    /**
     * The raw message decoded as UTF-8 (invalid sequences replaced), for display.
     *
     * @return the raw message as text
     */
    public String rawMessageText() {
        return new String(rawMessage, StandardCharsets.UTF_8);
    }

    /**
     * This dead letter under another id, as a store assigns one.
     *
     * @param newId the id
     * @return a copy with that id, sharing this one's raw message (both are immutable)
     */
    public DeadLetter withId(String newId) {
        boolean added = SHARING.add(rawMessage);
        try {
            return new DeadLetter(newId, reason, eventType, eventId, handler, attempts, error, errorClass,
                    stackTrace, rawMessage, firstFailure, lastFailure, rawMessageLength);
        } finally {
            if (added) {
                SHARING.remove(rawMessage);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d
                && id.equals(d.id) && reason == d.reason && Objects.equals(eventType, d.eventType)
                && Objects.equals(eventId, d.eventId) && Objects.equals(handler, d.handler)
                && attempts == d.attempts && error.equals(d.error) && Objects.equals(errorClass, d.errorClass)
                && Objects.equals(stackTrace, d.stackTrace) && Arrays.equals(rawMessage, d.rawMessage)
                && firstFailure.equals(d.firstFailure) && lastFailure.equals(d.lastFailure)
                && rawMessageLength == d.rawMessageLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, reason, eventType, eventId, handler, attempts, error, Arrays.hashCode(rawMessage));
    }

    @Override
    public String toString() {
        return "DeadLetter[id=" + id + ", reason=" + reason + ", eventType=" + eventType + ", eventId=" + eventId
                + ", handler=" + handler + ", attempts=" + attempts + ", error=" + error
                + ", rawMessage=" + rawMessage.length + " bytes" + (truncated() ? " of " + rawMessageLength : "")
                + ", firstFailure=" + firstFailure
                + ", lastFailure=" + lastFailure + "]";
    }
}
