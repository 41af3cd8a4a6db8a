package dev.herald.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code herald help}, {@code herald --help} and {@code --help} (or {@code -h}) after any
 * command or {@code dlq} subcommand print: the usage and what it does. Stateless.
 */
final class Help {

    /** A command's usage line and what it does, in lines of at most about 100 characters. */
    private record Entry(String usage, List<String> does) {
    }

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, Entry> DLQ = new LinkedHashMap<>();

    static {
        COMMANDS.put("demo", new Entry(Main.DEMO_USAGE, List.of(
                "publish ORDERS orders (default 5) through a demo bus and show what happens;",
                "on Redis at URI (or $HERALD_REDIS_URI), else on a throw-away redis-server")));
        COMMANDS.put("publish", new Entry(PublishCommand.USAGE, List.of(
                "publish one event of type TYPE with JSON as its data (a CloudEvent, as a service would)")));
        COMMANDS.put("tail", new Entry(TailCommand.USAGE, List.of(
                "print each event of these types as it is published (Pub/Sub), until N or Ctrl-C;",
                "a message that is not a CloudEvent is printed flagged UNDECODABLE; writes nothing")));
        COMMANDS.put("dlq", new Entry(DeadLetterCommand.USAGE, List.of(
                "the dead letters in Redis at URI (or $HERALD_REDIS_URI), prefix default herald:",
                "list the oldest N (default 20), show one with its message, publish one again",
                "to every handler of its type (replay), delete one, delete all")));
        COMMANDS.put("bench", new Entry(BenchCommand.USAGE, List.of(
                "a quick load check of Herald alone (default 100,000 events of 1 KB): publish and",
                "delivery rates, latency, lost; on a throw-away redis-server unless --redis is given")));
        String redis = " [--redis URI] [--prefix PREFIX] [--timeout DURATION]";
        DLQ.put("list", new Entry("dlq list [--limit N]" + redis, List.of(
                "the oldest N dead letters (default 20, at most 10,000), one line each with its id")));
        DLQ.put("show", new Entry("dlq show ID" + redis, List.of("one dead letter, with its error and its raw message")));
        DLQ.put("replay", new Entry("dlq replay ID [--mode pubsub|streams]" + redis, List.of(
                "publish the dead letter's message again, byte for byte, on its type's channel (or stream),",
                "to every handler of the type, then delete it; kept when nobody received it")));
        DLQ.put("delete", new Entry("dlq delete ID" + redis, List.of("delete one dead letter")));
        DLQ.put("purge", new Entry("dlq purge --yes" + redis, List.of("delete every dead letter under the prefix, for good")));
    }

    private static final List<String> URI_FORMS = List.of(
            "URI: redis://[user:password@]host:port[/db] for one server (rediss:// for TLS), or",
            "     redis-cluster://[user:password@]host:port[,host:port...] for a Redis Cluster (rediss-cluster:// for TLS):",
            "     any reachable node will do; on a cluster, Pub/Sub channels are shard channels (SPUBLISH, SSUBSCRIBE)",
            "--timeout DURATION (or $HERALD_TIMEOUT): how long to wait for Redis to connect and to answer, such as 10s",
            "     (default " + RedisOptions.DEFAULT_TIMEOUT.toSeconds() + "s; a URI's own ?timeout= wins for connecting and answers)");

    private Help() {
    }

    /** Whether the arguments ask for help: {@code --help} or {@code -h} among them. */
    static boolean asked(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    /** The list of commands. */
    static String general() {
        StringBuilder s = new StringBuilder("usage: herald <command>\n");
        COMMANDS.values().forEach(e -> {
            s.append("  ").append(e.usage()).append('\n');
            e.does().forEach(line -> s.append("                  ").append(line).append('\n'));
        });
        s.append("  help [COMMAND]  this text, or a command's; so does --help (or -h) after a command\n");
        URI_FORMS.forEach(line -> s.append(line).append('\n'));
        return s.toString();
    }

    /**
     * One command's help; for {@code dlq} followed by a subcommand, that subcommand's.
     *
     * @param args the arguments after the command
     * @return the text, or null for a command that does not exist
     */
    static @Nullable String of(String command, String[] args) {
        Entry entry = COMMANDS.get(command);
        if (entry == null) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        Entry sub = command.equals("dlq") && args.length > 0 ? DLQ.get(args[0]) : null;
        if (command.equals("dlq") && sub == null) {
            s.append("usage: herald dlq <subcommand>\n");
            DLQ.values().forEach(each -> describe(s, each, "  ", "      "));
        } else {
            describe(s, sub != null ? sub : entry, "usage: herald ", "  ");
        }
        URI_FORMS.forEach(line -> s.append(line).append('\n'));
        return s.toString();
    }

    private static void describe(StringBuilder s, Entry entry, String before, String indent) {
        s.append(before).append(entry.usage()).append('\n');
        entry.does().forEach(line -> s.append(indent).append(line).append('\n'));
    }
}
