package dev.herald.cli;

import dev.herald.redis.RedisTarget;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Why a command could not use Redis, in one line: the endpoint (without its password) and the
 * cause, which is Redis's answer ({@code WRONGPASS ...}, {@code NOAUTH ...}) or the socket's error
 * ({@code Connection refused}); for a Redis Cluster, the first node's. A wait that timed out says
 * how to wait longer. Every command that talks to Redis runs its work through
 * {@link #explained}, so that all of them say it alike; {@link Main} prints the message.
 */
final class RedisFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A command's work on Redis, returning the command's exit code. */
    interface Work {
        int run() throws InterruptedException;
    }

    private RedisFailure(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * Redis at {@code endpoint} (said without its password) was lost and did not come back within
     * {@code waited}.
     */
    static RedisFailure lost(String endpoint, Duration waited) {
        return new RedisFailure("cannot reach Redis at " + endpoint + ": no connection for " + waited.toSeconds() + " s", null);
    }

    /**
     * Runs a command's work on Redis at {@code target}; a failure of Redis, or of the connection to
     * it (a Lettuce exception among the causes), becomes a RedisFailure. Other failures (a bad
     * argument found late) pass unchanged.
     */
    static int explained(RedisTarget target, Work work) throws InterruptedException {
        try {
            return work.run();
        } catch (RuntimeException e) {
            throw explain(target, e);
        }
    }

    /** {@code e} said as the endpoint and the cause when Redis or the connection failed; else {@code e} itself. */
    static RuntimeException explain(RedisTarget target, RuntimeException e) {
        if (e instanceof RedisFailure) {
            return e;
        }
        boolean fromRedis = false;
        boolean timedOut = false;
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause() : firstSuppressed(t)) {
            fromRedis |= t instanceof RedisException; // Lettuce's, the socket's errors among its causes
            timedOut |= t instanceof RedisCommandTimeoutException || t instanceof TimeoutException
                    || String.valueOf(t.getMessage()).matches("(?s).*(timed out|no connection within).*");
            root = t;
        }
        if (!fromRedis) {
            return e;
        }
        String cause = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        String endpoint = target.toString();
        return new RedisFailure((root instanceof RedisCommandExecutionException
                ? "Redis at " + endpoint + " answered: "
                : "cannot reach Redis at " + endpoint + ": ") + cause.replaceAll("\\s+", " ").strip()
                + (timedOut ? " (--timeout or $HERALD_TIMEOUT sets how long to wait)" : ""), e);
    }

    /**
     * The first error {@code t} suppressed, or null: a cluster client that cannot load the
     * topology reports each node's error (the socket's, or Redis's answer) as one it suppressed.
     */
    private static @Nullable Throwable firstSuppressed(Throwable t) {
        Throwable[] suppressed = t.getSuppressed();
        return suppressed.length > 0 ? suppressed[0] : null;
    }
}
