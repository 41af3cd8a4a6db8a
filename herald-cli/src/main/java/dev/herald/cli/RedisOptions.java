package dev.herald.cli;

import dev.herald.redis.RedisEventBus;
import dev.herald.redis.internal.RedisEndpoint;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The options that say which Herald deployment a command talks to: {@code --redis URI} (else
 * {@code $HERALD_REDIS_URI}), {@code --prefix} (default {@code herald}) and {@code --mode}
 * (default {@code pubsub}). The URI names one server, or a Redis Cluster in the form
 * {@code redis-cluster://[user:password@]host:port[,host:port...]} ({@code rediss-cluster://} for TLS).
 */
final class RedisOptions {

    /** What {@code --redis} takes, for messages. */
    static final String URI_DESCRIPTION = "a URI, such as redis://localhost:6379 or redis-cluster://host1:7000,host2:7000";
    /** The URI forms, for messages about a URI that is none of them. */
    static final String URI_FORMS = "redis://[user:password@]host:port[/db], rediss:// for TLS, or for a Redis Cluster "
            + "redis-cluster://[user:password@]host:port[,host:port...] (rediss-cluster:// for TLS)";

    private final @Nullable String uri;
    private final String prefix;
    private final RedisEventBus.Mode mode;

    RedisOptions(CommandLine line, @Nullable String defaultUri) {
        String given = line.value("--redis");
        this.uri = given != null ? given : defaultUri;
        this.prefix = line.value("--prefix", "herald");
        this.mode = mode(line);
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
        return all;
    }

    RedisEventBus.Mode mode() {
        return mode;
    }

    String prefix() {
        return prefix;
    }

    /** A builder for the deployment; fails naming the missing URI. */
    RedisEventBus.Builder builder() {
        return RedisEventBus.builder(uri()).prefix(prefix).mode(mode);
    }

    /** The deployment's Redis for work without a bus, a server or a cluster; the caller closes it. */
    RedisDeployment deployment() {
        return RedisDeployment.of(uri());
    }

    /** The deployment's Redis; fails naming the missing URI. */
    String uri() {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("this command needs the Redis of the deployment: --redis URI "
                    + "(such as redis://localhost:6379, or redis-cluster://host1:7000,host2:7000 for a Redis Cluster) "
                    + "or $HERALD_REDIS_URI");
        }
        return uri;
    }

    String describe() {
        return withoutPassword(uri()) + " (prefix " + prefix + ", " + mode.name().toLowerCase() + ")";
    }

    /** A Redis URI fit to print: its user and password, if any, replaced by {@code ***}. */
    static String withoutPassword(String uri) {
        return RedisEndpoint.mask(uri);
    }
}
