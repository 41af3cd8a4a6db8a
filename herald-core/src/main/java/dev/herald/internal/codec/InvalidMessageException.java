package dev.herald.internal.codec;

import dev.herald.DeadLetter;
import java.util.Objects;
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

    /** Never null: every constructor takes a message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    public DeadLetter.Reason reason() {
        return reason;
    }
}
