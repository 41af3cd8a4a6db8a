package dev.herald.redis.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The options of a Redis URI ({@code ?timeout=5s&clientName=orders}), checked as Lettuce's
 * {@code RedisURI} would silently not: each is an option Lettuce knows, given once, with a value
 * of its form, and one that applies to the URI's kind. Lettuce ignores an unknown option, reads
 * {@code timeout=banana} as no timeout and {@code timeout=5} as 5 ms, and a cluster's nodes
 * have only database 0; here each is an {@link IllegalArgumentException} naming the option and
 * what would be right. Option names are matched ignoring case and handed on in Lettuce's
 * spelling ({@link #canonical()}), as Lettuce reads {@code DB=1} as no database. Immutable.
 */
final class UriOptions {

    /** What a URI names, which decides the options it takes. */
    enum Kind {
        /** One server by host: {@code redis://}, {@code rediss://}. */
        SERVER,
        /** One server by Unix socket: {@code redis-socket://}. */
        SOCKET,
        /** A master found through Sentinels: {@code redis-sentinel://}. */
        SENTINEL,
        /** A Redis Cluster: {@code redis-cluster://}. */
        CLUSTER
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ns|us|ms|s|m|h|d)");
    private static final List<String> UNITS = List.of("ns", "us", "ms", "s", "m", "h", "d");

    /** Each option in Lettuce's spelling, with its value as given; in the order given. */
    private final Map<String, String> options;

    private UriOptions(Map<String, String> options) {
        this.options = options;
    }

    /**
     * Checks the query of a URI.
     *
     * @param query what follows the {@code ?}, without it; empty for none
     * @param kind what the URI names
     * @param tls whether the URI's scheme is a TLS one
     * @throws IllegalArgumentException naming the option and what would be right, never a URI's credentials
     */
    static UriOptions parse(String query, Kind kind, boolean tls) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String option : query.split("[&;]")) { // Lettuce separates options with either
            if (option.isEmpty()) {
                continue;
            }
            int equals = option.indexOf('=');
            String name = canonicalName(equals < 0 ? option : option.substring(0, equals), kind);
            String value = equals < 0 ? "" : option.substring(equals + 1);
            if (value.isEmpty()) {
                throw new IllegalArgumentException("option '" + option + "' has no value: write " + name + "=" + example(name));
            }
            if (options.put(name, value) != null) {
                throw new IllegalArgumentException("option " + name + " is given twice: keep one");
            }
            check(name, value, kind, tls);
        }
        return new UriOptions(options);
    }

    /** The option's name in Lettuce's spelling, if it is one this kind of URI takes. */
    private static String canonicalName(String given, Kind kind) {
        String lower = given.toLowerCase(Locale.ROOT);
        if (lower.contains("@")) { // the query began inside the credentials: never quote them
            throw new IllegalArgumentException("a '?' stands before the '@' of the credentials: write a '?' in a user name or "
                    + "password as %3F");
        }
        if (lower.equals("database") || lower.equals("db")) {
            if (kind == Kind.CLUSTER) {
                throw new IllegalArgumentException("a Redis Cluster has only database 0: remove the option " + given);
            }
            return "database"; // Lettuce's "db" only in lower case
        }
        for (String name : known(kind)) {
            if (name.toLowerCase(Locale.ROOT).equals(lower)) {
                return name;
            }
        }
        if (kind != Kind.SENTINEL && lower.equals("sentinelmasterid")) {
            throw new IllegalArgumentException("option " + given + " applies to redis-sentinel:// URIs only: remove it");
        }
        throw new IllegalArgumentException("unknown option '" + given + "': this URI takes " + String.join(", ", known(kind)));
    }

    private static List<String> known(Kind kind) {
        return switch (kind) {
            case CLUSTER -> List.of("timeout", "clientName", "libraryName", "libraryVersion", "verifyPeer");
            case SENTINEL -> List.of("timeout", "database", "clientName", "libraryName", "libraryVersion", "verifyPeer",
                    "sentinelMasterId");
            case SERVER, SOCKET -> List.of("timeout", "database", "clientName", "libraryName", "libraryVersion", "verifyPeer");
        };
    }

    private static void check(String name, String value, Kind kind, boolean tls) {
        switch (name) {
            case "timeout" -> duration(value);
            case "database" -> database(value, "database=" + value);
            case "verifyPeer" -> {
                if (!tls) {
                    throw new IllegalArgumentException("option verifyPeer=" + value + " applies to TLS only: use the "
                            + (kind == Kind.CLUSTER ? "rediss-cluster://" : kind == Kind.SENTINEL ? "rediss-sentinel://" : "rediss://")
                            + " scheme, or remove it");
                }
                if (!List.of("NONE", "CA", "FULL").contains(value.toUpperCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("verifyPeer=" + value + " is not NONE, CA or FULL");
                }
            }
            default -> {
                // clientName, libraryName, libraryVersion, sentinelMasterId: any text
            }
        }
    }

    /**
     * A {@code timeout} value: a whole number and a unit, more than zero.
     *
     * @throws IllegalArgumentException naming the value and the form
     */
    private static void duration(String value) {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            boolean number = value.matches("\\d+");
            throw new IllegalArgumentException("timeout=" + value + (number ? " has no unit (Lettuce would read milliseconds)" : " is not a duration")
                    + ": write a whole number and one of the units " + String.join(", ", UNITS) + ", such as timeout=5s");
        }
        if (Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("timeout=" + value + " would wait forever: give more than 0, such as timeout=5s");
        }
    }

    /**
     * A database number, from the path ({@code /1}) or the option.
     *
     * @param shown the value as the URI has it, for the message
     * @return the number
     * @throws IllegalArgumentException naming it, if it is not a whole number from 0
     */
    static int database(String value, String shown) {
        if (value.matches("\\d{1,9}")) {
            return Integer.parseInt(value);
        }
        throw new IllegalArgumentException("the database '" + shown + "' is not a whole number: databases are numbered"
                + " from 0 (16 by default)");
    }

    private static String example(String name) {
        return switch (name) {
            case "timeout" -> "5s";
            case "database" -> "0";
            case "verifyPeer" -> "FULL";
            case "sentinelMasterId" -> "mymaster";
            default -> "herald";
        };
    }

    /** Whether the URI sets the timeout. */
    boolean hasTimeout() {
        return options.containsKey("timeout");
    }

    /** The timeout the URI sets, or null. */
    @Nullable Duration timeout() {
        String value = options.get("timeout");
        if (value == null) {
            return null;
        }
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalStateException("checked at parse: " + value);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ns" -> Duration.ofNanos(n);
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** These options with the timeout set to {@code timeout} (whole milliseconds, at least 1). */
    UriOptions withTimeout(Duration timeout) {
        Map<String, String> changed = new LinkedHashMap<>(options);
        long millis = Math.max(1, timeout.toMillis());
        changed.put("timeout", millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
        return new UriOptions(changed);
    }

    /** The database the options choose, or null. */
    @Nullable Integer database() {
        String value = options.get("database");
        return value == null ? null : Integer.valueOf(value);
    }

    /** Whether the options name the Sentinel master. */
    boolean namesSentinelMaster() {
        return options.containsKey("sentinelMasterId");
    }

    /** The options as Lettuce reads them: its names, {@code &} between them; empty for none. */
    String canonical() {
        StringBuilder s = new StringBuilder();
        options.forEach((name, value) -> s.append(s.length() == 0 ? "" : "&").append(name).append('=').append(value));
        return s.toString();
    }
}
