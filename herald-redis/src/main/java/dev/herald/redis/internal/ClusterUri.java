package dev.herald.redis.internal;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;

/**
 * Herald's URI form for a Redis Cluster, which Lettuce's {@code RedisURI} has no scheme for:
 * {@code redis-cluster://[user:password@]host:port[,host:port...][?option=value...]}, or
 * {@code rediss-cluster://} for TLS. The nodes are where the client first asks for the
 * topology: one reachable node is enough, several survive one being down. Credentials and options
 * apply to every node; the options are those of {@code RedisURI} ({@code timeout},
 * {@code clientName}, {@code verifyPeer}...), checked with the rest by {@link RedisUris}. There is
 * no database: a cluster has only 0.
 *
 * <p>Without a {@code timeout} option, the nodes' timeout is {@link #DEFAULT_TIMEOUT} rather than
 * Lettuce's 60 s: Lettuce's topology refresh waits that long for a node that accepts connections
 * but does not answer (a frozen host, a master stopped rather than crashed), and until it ends the
 * client does not learn that a replica took over.
 */
public final class ClusterUri {

    /** The form, for messages. */
    static final String FORM = "redis-cluster://[user:password@]host:port[,host:port...][?option=value...] (rediss-cluster:// for TLS)";

    /** The nodes' command and handshake timeout when the URI sets none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private ClusterUri() {
    }

    /** Whether the URI names a cluster: its scheme is {@code redis-cluster} or {@code rediss-cluster}. */
    public static boolean isCluster(String uri) {
        return RedisUris.isCluster(uri);
    }

    /**
     * The cluster's seed nodes.
     *
     * @throws IllegalArgumentException naming the URI (its password masked) and what is wrong
     *     ({@link RedisUris}), also if it is no cluster URI
     */
    public static List<RedisURI> parse(String uri) {
        if (!isCluster(uri)) {
            throw new IllegalArgumentException("'" + RedisUris.mask(uri) + "' is not a Redis Cluster URI: use " + FORM);
        }
        return RedisUris.nodes(uri);
    }

    /** The nodes as a URI without credentials or options, for messages. */
    static String describe(List<RedisURI> nodes) {
        StringBuilder s = new StringBuilder(!nodes.isEmpty() && nodes.get(0).isSsl() ? "rediss-cluster://" : "redis-cluster://");
        for (int i = 0; i < nodes.size(); i++) {
            s.append(i == 0 ? "" : ",").append(nodes.get(i).getHost()).append(':').append(nodes.get(i).getPort());
        }
        return s.toString();
    }
}
