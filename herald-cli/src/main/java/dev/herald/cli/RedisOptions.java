package dev.herald.cli;

import dev.herald.redis.RedisEventBus;
import io.lettuce.core.RedisClient;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The options that say which Herald deployment a command talks to: {@code --redis URI} (else
 * {@code $HERALD_REDIS_URI}), {@code --prefix} (default {@code herald}) and {@code --mode}
 * (default {@code pubsub}).
 */
final class RedisOptions {

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
        all.put("--redis", "a URI, such as redis://localhost:6379");
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

    /** A plain Lettuce client on the deployment's Redis, for work without a bus; the caller shuts it down. */
    RedisClient client() {
        String given = uri();
        try {
            return RedisClient.create(given);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + withoutPassword(given) + "' is not a Redis URI (" + e.getMessage()
                    + "): use redis://[user:password@]host:port[/db], or rediss:// for TLS", e);
        }
    }

    /** The deployment's Redis; fails naming the missing URI. */
    String uri() {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("this command needs the Redis of the deployment: --redis URI "
                    + "(such as redis://localhost:6379) or $HERALD_REDIS_URI");
        }
        return uri;
    }

    String describe() {
        return withoutPassword(uri()) + " (prefix " + prefix + ", " + mode.name().toLowerCase() + ")";
    }

    /** A Redis URI fit to print: its user and password, if any, replaced by {@code ***}. */
    static String withoutPassword(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }
}
