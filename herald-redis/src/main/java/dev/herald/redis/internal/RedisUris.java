package dev.herald.redis.internal;

import dev.herald.redis.internal.UriOptions.Kind;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Redis URI checked before Lettuce reads it, so that a mistake fails at once with a message
 * naming it and the form that would be right, where Lettuce would read something else in silence
 * (a host named {@code a:1;b:2}, a timeout of none, an unknown option ignored) or fail with a
 * bare {@code NumberFormatException}. The forms: one server ({@code redis://}, {@code rediss://},
 * {@code redis+ssl://}, {@code redis+tls://}), a Unix socket ({@code redis-socket://}), Sentinel
 * ({@code redis-sentinel://}, {@code rediss-sentinel://}) and Herald's Redis Cluster form
 * ({@link ClusterUri}); their options are checked by {@link UriOptions}. Messages show a URI with
 * its credentials masked ({@link #mask}) and never quote them. Stateless.
 */
public final class RedisUris {

    /** Every form, for a URI that is none of them. */
    public static final String FORMS = "redis://[user:password@]host[:port][/database][?option=value...] (rediss:// for TLS), "
            + "redis-sentinel://[password@]host[:port][,host[:port]...][/database]#master, redis-socket:///path/to/redis.sock, "
            + "or for a Redis Cluster redis-cluster://[user:password@]host:port[,host:port...] (rediss-cluster:// for TLS)";

    private static final Map<String, Kind> KINDS = Map.of("redis", Kind.SERVER, "rediss", Kind.SERVER, "redis+ssl", Kind.SERVER,
            "redis+tls", Kind.SERVER, "redis-socket", Kind.SOCKET, "redis+socket", Kind.SOCKET, "redis-sentinel", Kind.SENTINEL,
            "rediss-sentinel", Kind.SENTINEL, "redis-cluster", Kind.CLUSTER, "rediss-cluster", Kind.CLUSTER);
    private static final List<String> TLS = List.of("rediss", "redis+ssl", "redis+tls", "rediss-sentinel", "rediss-cluster");

    private RedisUris() {
    }

    /**
     * The URI, checked, as Lettuce reads it exactly as Herald did: its scheme in lower case, its
     * options in Lettuce's spelling, everything else as given.
     *
     * @throws IllegalArgumentException naming the URI (its credentials masked), what is wrong and the right form
     */
    public static String check(String uri) {
        Parsed parsed = parse(uri);
        nodes(parsed); // Lettuce reads it as Herald did
        return parsed.canonical();
    }

    /** The {@code timeout} option of a URI, or null if it sets none. */
    public static @Nullable Duration timeout(String uri) {
        return parse(uri).options.timeout();
    }

    /**
     * The URI with its {@code timeout} option set to {@code timeout}, checked as {@link #check},
     * given or replaced.
     */
    public static String withTimeout(String uri, Duration timeout) {
        Parsed p = parse(uri);
        Parsed changed = new Parsed(p.uri, p.scheme, p.kind, p.tls, p.credentials, p.hosts, p.path, p.options.withTimeout(timeout),
                p.fragment);
        nodes(changed);
        return changed.canonical();
    }

    /** Whether the URI names a Redis Cluster, by its scheme ({@code redis-cluster}, {@code rediss-cluster}). */
    public static boolean isCluster(String uri) {
        int colon = uri.indexOf(':');
        return colon > 0 && KINDS.get(uri.substring(0, colon).toLowerCase(Locale.ROOT)) == Kind.CLUSTER;
    }

    /**
     * What Lettuce connects to: the one server's URI (a Sentinel URI carrying its Sentinels), or
     * a Redis Cluster's seed nodes, each with the credentials, TLS and options; new objects at
     * each call (Lettuce's are mutable).
     *
     * @throws IllegalArgumentException as {@link #check}
     */
    public static List<RedisURI> nodes(String uri) {
        return nodes(parse(uri));
    }

    private static List<RedisURI> nodes(Parsed p) {
        if (p.kind == Kind.CLUSTER) {
            List<RedisURI> nodes = new ArrayList<>();
            String query = p.options.canonical();
            for (String node : p.hosts) {
                RedisURI u = lettuce(p, (p.tls ? "rediss://" : "redis://") + p.credentials + node + (query.isEmpty() ? "" : "?" + query));
                requireHostRead(p, u.getHost(), u.getPort(), node);
                if (!p.options.hasTimeout()) {
                    u.setTimeout(ClusterUri.DEFAULT_TIMEOUT);
                }
                nodes.add(u);
            }
            return nodes;
        }
        RedisURI u = lettuce(p, p.canonical());
        if (p.kind == Kind.SERVER) {
            requireHostRead(p, u.getHost(), u.getPort(), p.hosts.get(0));
        } else if (p.kind == Kind.SENTINEL) {
            if (u.getSentinels().size() != p.hosts.size()) {
                throw p.invalid(credentialsToEncode());
            }
            for (int i = 0; i < p.hosts.size(); i++) {
                requireHostRead(p, u.getSentinels().get(i).getHost(), u.getSentinels().get(i).getPort(), p.hosts.get(i));
            }
        }
        return List.of(u);
    }

    private static RedisURI lettuce(Parsed p, String text) {
        try {
            return RedisURI.create(text);
        } catch (RuntimeException e) { // not its message: that may quote the credentials
            throw p.invalid("Lettuce cannot read it (" + e.getClass().getSimpleName() + "); " + credentialsToEncode());
        }
    }

    /** Lettuce read the host and port Herald did: else characters in the credentials misled it. */
    private static void requireHostRead(Parsed p, @Nullable String host, int port, String node) {
        HostAndPort expected = HostAndPort.of(node, p.uri, p.kind);
        String read = host == null ? "" : host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!read.equalsIgnoreCase(expected.host) || port != expected.port) {
            throw p.invalid(credentialsToEncode());
        }
    }

    private static String credentialsToEncode() {
        return "a user name or password that holds '@', '/', '?', '#' or ':' (in the user name) must be percent-encoded,"
                + " such as %40 for '@'";
    }

    /** A URI taken apart; credentials with their '@', kept only to be handed to Lettuce. */
    private record Parsed(String uri, String scheme, Kind kind, boolean tls, String credentials, List<String> hosts, String path,
            UriOptions options, @Nullable String fragment) {

        String canonical() {
            String query = options.canonical();
            return scheme + "://" + credentials + String.join(",", hosts) + path + (query.isEmpty() ? "" : "?" + query)
                    + (fragment != null ? "#" + fragment : "");
        }

        IllegalArgumentException invalid(String why) {
            return RedisUris.invalid(uri, kind, why);
        }
    }

    private static Parsed parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        if (uri.isBlank()) {
            throw invalid(uri, null, "it is empty");
        }
        if (uri.chars().anyMatch(Character::isWhitespace)) {
            throw invalid(uri, null, "it holds white space (copied with the URI, at its start or end?): remove it; "
                    + "write a space in a password as %20");
        }
        int colon = uri.indexOf(':');
        String scheme = colon > 0 ? uri.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        Kind kind = KINDS.get(scheme);
        if (kind == null) {
            throw invalid(uri, null, colon > 0 && uri.startsWith("//", colon + 1) ? "unknown scheme '" + scheme + "'"
                    : "it has no scheme: for one server write " + mask("redis://" + uri.replaceFirst("^/+", "")));
        }
        String rest = uri.substring(colon + 1);
        if (!rest.startsWith("//")) {
            throw invalid(uri, kind, "the '//' after '" + scheme + ":' is missing: write "
                    + mask(scheme + "://" + rest.replaceFirst("^/+", "")));
        }
        rest = rest.substring(2);
        String fragment = null;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            fragment = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        boolean tls = TLS.contains(scheme);
        UriOptions options; // before the rest: a '?' inside the credentials is said without quoting them
        try {
            options = UriOptions.parse(query, kind, tls);
        } catch (IllegalArgumentException e) {
            throw invalid(uri, kind, String.valueOf(e.getMessage()));
        }
        if (fragment != null && kind != Kind.SENTINEL) {
            throw invalid(uri, kind, "a '#' means nothing here (a Sentinel master is named so: redis-sentinel://host:26379#mymaster);"
                    + " write a '#' in a password as %23");
        }
        String credentials = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            credentials = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        if (kind == Kind.SOCKET) {
            if (rest.isEmpty() || rest.equals("/")) {
                throw invalid(uri, kind, "it names no socket");
            }
            return new Parsed(uri, scheme, kind, tls, credentials, List.of(), rest, options, null);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash);
            rest = rest.substring(0, slash);
        }
        Parsed parsed = new Parsed(uri, scheme, kind, tls, credentials, hosts(uri, scheme, kind, rest, credentials), path, options,
                fragment);
        checkDatabase(parsed);
        if (kind == Kind.SENTINEL && (fragment == null || fragment.isEmpty()) && !options.namesSentinelMaster()) {
            throw invalid(uri, kind, "it names no master: add #mymaster (the name the Sentinels know the master by)");
        }
        return parsed;
    }

    /** The hosts between the credentials and the path: one for a server, one or more for Sentinel and Cluster. */
    private static List<String> hosts(String uri, String scheme, Kind kind, String hostList, String credentials) {
        boolean several = hostList.contains(",") || hostList.contains(";");
        if (kind == Kind.SERVER && several) {
            String nodes = hostList.replace(';', ',');
            throw invalid(uri, kind, "one server takes one host[:port], but '" + hostList + "' names several: for a Redis Cluster"
                    + " write redis-cluster://" + nodes + ", for Sentinels redis-sentinel://" + nodes + "#mymaster");
        }
        if (hostList.contains(";")) {
            throw invalid(uri, kind, "nodes are separated by ',', not ';': write "
                    + mask(scheme + "://" + credentials + hostList.replace(';', ',')));
        }
        List<String> hosts = Arrays.asList(hostList.split(",", -1));
        hosts.forEach(node -> HostAndPort.of(node, uri, kind)); // each checked
        return hosts;
    }

    private static void checkDatabase(Parsed p) {
        if (p.path.isEmpty() || p.path.equals("/")) {
            return;
        }
        if (p.kind == Kind.CLUSTER) {
            throw p.invalid("a cluster has no database to choose: remove '" + p.path + "'");
        }
        int inPath;
        try {
            inPath = UriOptions.database(p.path.substring(1), p.path);
        } catch (IllegalArgumentException e) {
            throw p.invalid(String.valueOf(e.getMessage()));
        }
        Integer option = p.options.database();
        if (option != null && option != inPath) {
            throw p.invalid("the database is given twice, as '" + p.path + "' and as database=" + option + ": keep one");
        }
    }

    /** A host and its port (the kind's default when not given), checked. */
    private record HostAndPort(String host, int port) {

        static HostAndPort of(String node, String uri, Kind kind) {
            boolean portRequired = kind == Kind.CLUSTER;
            String host = node;
            String port = null;
            if (node.startsWith("[")) { // an IPv6 address
                int close = node.indexOf(']');
                if (close < 0 || (close + 1 < node.length() && node.charAt(close + 1) != ':')) {
                    throw invalid(uri, kind, "'" + node + "' is not host:port");
                }
                host = node.substring(1, close);
                port = close + 1 < node.length() ? node.substring(close + 2) : null;
            } else {
                int colon = node.lastIndexOf(':');
                if (colon >= 0) {
                    host = node.substring(0, colon);
                    port = node.substring(colon + 1);
                }
                if (host.contains(":")) {
                    throw invalid(uri, kind, "'" + node + "' is not host:port: write an IPv6 address in brackets, such as [::1]:6379");
                }
            }
            if (host.isEmpty() || (port == null && portRequired)) {
                throw invalid(uri, kind, "'" + node + "' is not host:port");
            }
            if (port == null) {
                return new HostAndPort(host, kind == Kind.SENTINEL ? RedisURI.DEFAULT_SENTINEL_PORT : RedisURI.DEFAULT_REDIS_PORT);
            }
            if (!port.matches("\\d{1,5}")) {
                throw invalid(uri, kind, "the port of '" + node + "' is not a number");
            }
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65535) {
                throw invalid(uri, kind, "the port of '" + node + "' is not between 1 and 65535");
            }
            return new HostAndPort(host, number);
        }
    }

    private static IllegalArgumentException invalid(String uri, @Nullable Kind kind, String why) {
        return new IllegalArgumentException("'" + mask(uri) + "' is not a " + (kind == Kind.CLUSTER ? "Redis Cluster URI"
                : "Redis URI") + ": " + why + "; use " + form(kind));
    }

    /**
     * The URI with its credentials replaced by {@code ***}: everything between the scheme and the
     * last {@code @} before the host, so that a password holding {@code @}, {@code /} or
     * {@code ?} is masked whole; also when the {@code //} after a known scheme is missing, and
     * for text that is no URI (everything before the {@code @}). An {@code @} in an option's
     * value is kept when credentials come before the options. For messages and logs.
     */
    public static String mask(String uri) {
        int from = credentialsStart(uri);
        int at = uri.lastIndexOf('@');
        int query = uri.indexOf('?', from);
        if (query >= 0 && query < at) {
            int beforeQuery = uri.lastIndexOf('@', query);
            if (beforeQuery >= from && uri.substring(query, at).matches(".*[=&;].*")) {
                at = beforeQuery; // the later '@' is in an option's value
            }
        }
        return at < from ? uri : uri.substring(0, from) + "***" + uri.substring(at);
    }

    /** Where a URI's credentials would start: after {@code scheme://}, after a known {@code scheme:}, or at 0. */
    private static int credentialsStart(String uri) {
        int colon = uri.indexOf(':');
        if (colon > 0 && uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            if (uri.startsWith("//", colon + 1)) {
                return colon + 3;
            }
            if (KINDS.containsKey(uri.substring(0, colon).toLowerCase(Locale.ROOT))) {
                return colon + 1;
            }
        }
        return 0;
    }

    private static String form(@Nullable Kind kind) {
        if (kind == null) {
            return FORMS;
        }
        return switch (kind) {
            case SERVER -> "redis://[user:password@]host[:port][/database][?option=value...] (rediss:// for TLS)";
            case SOCKET -> "redis-socket:///path/to/redis.sock[?option=value...]";
            case SENTINEL -> "redis-sentinel://[password@]host[:port][,host[:port]...][/database][?option=value...]#master"
                    + " (rediss-sentinel:// for TLS)";
            case CLUSTER -> ClusterUri.FORM;
        };
    }
}
