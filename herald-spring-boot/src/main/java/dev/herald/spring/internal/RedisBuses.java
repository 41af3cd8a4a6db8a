package dev.herald.spring.internal;

import dev.herald.redis.RedisEventBus;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import org.springframework.data.redis.connection.NamedNode;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A bus builder on the application's Redis, as its {@link LettuceConnectionFactory} connects:
 * on the factory's own Lettuce client ({@code getRequiredNativeClient()}), so that Redis is
 * configured once, in {@code spring.data.redis.*}. One server, one found through Sentinels, and a
 * cluster without a password are reached through that client. A cluster with a password is
 * not: Herald's own connections to each node need the credentials, which a
 * {@code RedisClusterClient}'s topology does not carry, so the bus gets a
 * {@code redis-cluster://} URI of the factory's nodes with its credentials (and TLS), and a
 * client of its own. Stateless.
 */
public final class RedisBuses {

    private RedisBuses() {
    }

    /**
     * A builder on the factory's Redis.
     *
     * @param factory the application's factory, started
     * @return the builder
     */
    public static RedisEventBus.Builder builder(LettuceConnectionFactory factory) {
        RedisClusterConfiguration cluster = factory.getClusterConfiguration();
        if (cluster != null && cluster.getPassword().isPresent()) {
            return RedisEventBus.builder(clusterUri(cluster, factory.isUseSsl()));
        }
        AbstractRedisClient client = factory.getRequiredNativeClient();
        if (client instanceof RedisClusterClient clusterClient) {
            return RedisEventBus.builder(clusterClient).clientDescription(description(factory));
        }
        if (client instanceof RedisClient redisClient) {
            return RedisEventBus.builder(redisClient).clientDescription(description(factory));
        }
        throw new IllegalStateException("the LettuceConnectionFactory's client is a " + client.getClass().getName()
                + ", neither a RedisClient nor a RedisClusterClient: define an EventBus bean of your own");
    }

    /**
     * The factory's Redis for messages, as a URI without credentials: {@code redis://host:port/db},
     * {@code redis-sentinel://host:port,...#master} or {@code redis-cluster://host:port,...}
     * ({@code rediss} with TLS).
     */
    static String description(LettuceConnectionFactory factory) {
        String s = factory.isUseSsl() ? "s" : "";
        RedisClusterConfiguration cluster = factory.getClusterConfiguration();
        if (cluster != null) {
            return "redis" + s + "-cluster://" + nodes(cluster.getClusterNodes());
        }
        RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
        int database = factory.getDatabase();
        String db = database != 0 ? "/" + database : "";
        if (sentinel != null) {
            NamedNode master = sentinel.getMaster();
            return "redis" + s + "-sentinel://" + nodes(sentinel.getSentinels()) + db + (master != null ? "#" + master.getName() : "");
        }
        return "redis" + s + "://" + address(factory.getHostName(), factory.getPort()) + db;
    }

    private static String nodes(Iterable<RedisNode> nodes) {
        StringJoiner joined = new StringJoiner(",");
        for (RedisNode node : nodes) { // getHost and getPort: Spring Data Redis 3.5 has no getRequiredHost
            String host = node.getHost();
            Integer port = node.getPort();
            if (host == null || port == null) {
                throw new IllegalStateException("a node of the LettuceConnectionFactory has no host or port: " + node);
            }
            joined.add(address(host, port));
        }
        return joined.toString();
    }

    private static String address(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code redis-cluster://user:password@host:port,...}: holds the credentials, never for messages. */
    static String clusterUri(RedisClusterConfiguration cluster, boolean ssl) {
        StringBuilder uri = new StringBuilder(ssl ? "rediss-cluster://" : "redis-cluster://");
        String user = cluster.getUsername();
        if (user != null) {
            uri.append(encode(user));
        }
        uri.append(':').append(encode(new String(cluster.getPassword().get()))).append('@');
        return uri.append(nodes(cluster.getClusterNodes())).toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
