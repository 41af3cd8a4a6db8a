package dev.herald;

import org.jspecify.annotations.Nullable;

/**
 * The dead-letter store could not be read or written: thrown by {@link DeadLetterQueue}'s methods
 * when, for example, Redis is unreachable. The message names the store's endpoint and the cause,
 * such as {@code cannot read dead letters from redis://127.0.0.1:6390: Connection refused}; the
 * transport's own exception, if any, is the cause.
 *
 * <p>Immutable and thread-safe, like any exception once thrown.
 */
public class DeadLetterStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message and a cause.
     *
     * @param message what failed, on which endpoint, and why
     * @param cause the underlying exception
     */
    public DeadLetterStoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * An exception with a message only.
     *
     * @param message what failed, on which endpoint, and why
     */
    public DeadLetterStoreException(String message) {
        super(message);
    }
}
