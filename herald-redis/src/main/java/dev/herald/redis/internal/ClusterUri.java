package dev.herald.redis.internal;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Herald's URI form for a Redis Cluster, which Lettuce's {@code RedisURI} has no scheme for:
 * {@code redis-cluster://[user:password@]host:port[,host:port...][?option=value...]}, or
 * {@code rediss-cluster://} for TLS. The nodes are where the client first asks for the
 * topology: one reachable node is enough, several survive one being down. Credentials and options
 * apply to every node; the options are those of {@code RedisURI} ({@code timeout},
 * {@code clientName}, {@code verifyPeer}...). There is no database: a cluster has only 0.
 *
 * <p>Without a {@code timeout} option, the nodes' timeout is {@link #DEFAULT_TIMEOUT} rather than
 * Lettuce's 60 s: Lettuce's topology refresh waits that long for a node that accepts connections
 * but does not answer (a frozen host, a master stopped rather than crashed), and until it ends the
 * client does not learn that a replica took over.
 */
public final class ClusterUri {

    private static final String PLAIN = "redis-cluster://";
    private static final String TLS = "rediss-cluster://";
    private static final String FORM = "redis-cluster://[user:password@]host:port[,host:port...] (rediss-cluster:// for TLS)";

    /** The nodes' command and handshake timeout when the URI sets none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private ClusterUri() {
    }

    /** Whether the URI names a cluster: its scheme is {@code redis-cluster} or {@code rediss-cluster}. */
    public static boolean isCluster(String uri) {
        String lower = uri.toLowerCase(Locale.ROOT);
        return lower.startsWith(PLAIN) || lower.startsWith(TLS);
    }

    /**
     * The cluster's seed nodes.
     *
     * @throws IllegalArgumentException naming the URI (its password masked) and what is wrong
     */
    public static List<RedisURI> parse(String uri) {
        boolean tls = uri.toLowerCase(Locale.ROOT).startsWith(TLS);
        String rest = uri.substring(tls ? TLS.length() : PLAIN.length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q);
            rest = rest.substring(0, q);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String credentials = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            credentials = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        if (rest.contains("/")) {
            throw invalid(uri, "a cluster has no database to choose: remove '" + rest.substring(rest.indexOf('/')) + "'");
        }
        List<RedisURI> nodes = new ArrayList<>();
        for (String node : rest.split(",", -1)) {
            int colon = node.lastIndexOf(':');
            if (node.isBlank() || colon <= 0 || colon == node.length() - 1) {
                throw invalid(uri, "'" + node + "' is not host:port");
            }
            int port;
            try {
                port = Integer.parseInt(node.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw invalid(uri, "the port of '" + node + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw invalid(uri, "the port of '" + node + "' is not between 1 and 65535");
            }
            RedisURI parsed;
            try {
                parsed = RedisURI.create((tls ? "rediss://" : "redis://") + credentials + node + query);
            } catch (RuntimeException e) {
                throw invalid(uri, String.valueOf(e.getMessage()));
            }
            if (!hasTimeout(query)) {
                parsed.setTimeout(DEFAULT_TIMEOUT);
            }
            nodes.add(parsed);
        }
        return nodes;
    }

    private static boolean hasTimeout(String query) {
        for (String option : query.isEmpty() ? new String[0] : query.substring(1).split("&")) {
            if (option.toLowerCase(Locale.ROOT).startsWith("timeout=")) {
                return true;
            }
        }
        return false;
    }

    /** The nodes as a URI without credentials or options, for messages. */
    static String describe(List<RedisURI> nodes) {
        StringBuilder s = new StringBuilder(!nodes.isEmpty() && nodes.get(0).isSsl() ? TLS : PLAIN);
        for (int i = 0; i < nodes.size(); i++) {
            s.append(i == 0 ? "" : ",").append(nodes.get(i).getHost()).append(':').append(nodes.get(i).getPort());
        }
        return s.toString();
    }

    private static IllegalArgumentException invalid(String uri, String why) {
        return new IllegalArgumentException("'" + RedisEndpoint.mask(uri) + "' is not a Redis Cluster URI: " + why + "; use " + FORM);
    }
}
