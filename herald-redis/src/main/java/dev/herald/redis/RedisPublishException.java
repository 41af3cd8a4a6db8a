package dev.herald.redis;

import org.jspecify.annotations.Nullable;

/**
 * A publish that Redis did not accept: unreachable past the publish timeout, or an error from
 * Redis. The message names the endpoint, the channel and the cause. The event may or may not
 * have reached subscribers if the connection broke after sending it.
 */
public final class RedisPublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the endpoint
     * @param cause the underlying error, or {@code null}
     */
    public RedisPublishException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
