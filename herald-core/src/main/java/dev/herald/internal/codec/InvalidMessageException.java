package dev.herald.internal.codec;

import dev.herald.DeadLetter;
import org.jspecify.annotations.Nullable;

/** A received message that cannot be handled; becomes a dead letter with {@link #reason()}. */
public final class InvalidMessageException extends Exception {

    private final DeadLetter.Reason reason;

    public InvalidMessageException(DeadLetter.Reason reason, String message, @Nullable Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    public InvalidMessageException(DeadLetter.Reason reason, String message) {
        this(reason, message, null);
    }

    public DeadLetter.Reason reason() {
        return reason;
    }
}
