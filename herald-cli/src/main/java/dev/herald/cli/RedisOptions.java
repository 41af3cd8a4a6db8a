package dev.herald.cli;

import dev.herald.redis.RedisEventBus;
import dev.herald.redis.RedisTarget;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The options that say which Herald deployment a command talks to, and how long to wait for it:
 * {@code --redis URI} (else {@code $HERALD_REDIS_URI}), {@code --prefix} (default {@code herald}),
 * {@code --mode} (default {@code pubsub}) and {@code --timeout} (else {@code $HERALD_TIMEOUT}, else
 * {@link #DEFAULT_TIMEOUT}). The URI names one server, or a Redis Cluster in the form
 * {@code redis-cluster://[user:password@]host:port[,host:port...]} ({@code rediss-cluster://} for TLS),
 * and is checked as soon as the options are read ({@link RedisTarget}), before the command does anything.
 */
final class RedisOptions {

    /** What {@code --redis} takes, for messages. */
    static final String URI_DESCRIPTION = "a URI, such as redis://localhost:6379 or redis-cluster://host1:7000,host2:7000";

    /** What {@code --timeout} takes, for messages. */
    static final String TIMEOUT_DESCRIPTION = "a duration, such as 30s or 500ms";

    /**
     * How long a command waits for Redis by default: to connect (the handshake included), and for
     * each answer. A refused connection or an unknown host fails at once; this bounds a server
     * that accepts connections and does not answer. Longer than Lettuce's 10 s connect timeout:
     * a command's first connection also loads and starts Lettuce and Netty, which on a loaded
     * machine took over 10 s and failed a healthy Redis.
     */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final @Nullable RedisTarget target;
    private final String prefix;
    private final RedisEventBus.Mode mode;
    private final Duration timeout;

    /**
     * @param environment the environment variables: {@code HERALD_REDIS_URI}, {@code HERALD_TIMEOUT}
     */
    RedisOptions(CommandLine line, Map<String, String> environment) {
        this.timeout = timeout(line, environment);
        RedisTarget given = target(line, environment.get("HERALD_REDIS_URI"));
        this.target = given != null ? bounded(given, timeout) : null;
        this.prefix = line.value("--prefix", "herald");
        this.mode = mode(line);
    }

    /**
     * The {@code --timeout} option, else {@code $HERALD_TIMEOUT}, else {@link #DEFAULT_TIMEOUT}.
     *
     * @throws IllegalArgumentException naming the value and the form, if it is no duration
     */
    static Duration timeout(CommandLine line, Map<String, String> environment) {
        String given = line.value("--timeout");
        if (given != null) {
            return Arguments.duration(given, "--timeout");
        }
        String fromEnvironment = environment.get("HERALD_TIMEOUT");
        return fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_TIMEOUT
                : Arguments.duration(fromEnvironment, "HERALD_TIMEOUT");
    }

    /** The target, waiting {@code timeout} for connections and answers unless its URI sets its own {@code timeout}. */
    static RedisTarget bounded(RedisTarget target, Duration timeout) {
        return target.timeout().isPresent() ? target : target.withTimeout(timeout);
    }

    /**
     * The URI of {@code --redis}, else of {@code $HERALD_REDIS_URI}, read and checked; null when neither is given.
     *
     * @param fromEnvironment the value of {@code $HERALD_REDIS_URI}, or null
     * @throws IllegalArgumentException naming where the URI comes from and what is wrong with it
     */
    static @Nullable RedisTarget target(CommandLine line, @Nullable String fromEnvironment) {
        String given = line.value("--redis");
        return given != null ? target(given, "--redis") : target(fromEnvironment, "HERALD_REDIS_URI");
    }

    /**
     * A URI read and checked, or null when none is given (null or blank).
     *
     * @param from where the URI comes from, for the message: {@code --redis} or {@code HERALD_REDIS_URI}
     * @throws IllegalArgumentException naming where the URI comes from and what is wrong with it
     */
    static @Nullable RedisTarget target(@Nullable String uri, String from) {
        if (uri == null || uri.isBlank()) {
            return null;
        }
        try {
            return RedisTarget.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(from + ": " + e.getMessage(), e);
        }
    }

    /** The {@code --mode} option: {@code pubsub} (the default) or {@code streams}. */
    static RedisEventBus.Mode mode(CommandLine line) {
        String m = line.value("--mode", "pubsub");
        return switch (m) {
            case "pubsub" -> RedisEventBus.Mode.PUBSUB;
            case "streams" -> RedisEventBus.Mode.STREAMS;
            default -> throw new IllegalArgumentException("--mode must be pubsub or streams, not '" + m + "'");
        };
    }

    /** These options and a command's own, for {@link CommandLine#parse}. */
    static Map<String, String> and(Map<String, String> own) {
        Map<String, String> all = new HashMap<>(own);
        all.put("--redis", URI_DESCRIPTION);
        all.put("--prefix", "the bus's key prefix, such as herald");
        all.put("--mode", "pubsub or streams");
        all.put("--timeout", TIMEOUT_DESCRIPTION);
        return all;
    }

    RedisEventBus.Mode mode() {
        return mode;
    }

    String prefix() {
        return prefix;
    }

    /** A builder for the deployment, its publishes bounded by the timeout; fails naming the missing URI. */
    RedisEventBus.Builder builder() {
        return RedisEventBus.builder(target().uri()).prefix(prefix).mode(mode).publishTimeout(timeout);
    }

    /** The deployment's Redis for work without a bus, a server or a cluster; the caller closes it. */
    RedisDeployment deployment() {
        return RedisDeployment.of(target(), timeout);
    }

    /** The deployment's Redis, with the timeout; fails naming the missing URI. */
    RedisTarget target() {
        if (target == null) {
            throw new IllegalArgumentException("this command needs the Redis of the deployment: --redis URI "
                    + "(such as redis://localhost:6379, or redis-cluster://host1:7000,host2:7000 for a Redis Cluster) "
                    + "or $HERALD_REDIS_URI");
        }
        return target;
    }

    String describe() {
        return target() + " (prefix " + prefix + ", " + mode.name().toLowerCase() + ")";
    }
}
