package dev.herald.cli;

import dev.herald.redis.RedisTarget;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Entry point of the {@code herald} command. */
public final class Main {

    private Main() {
    }

    /**
     * Runs a command.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    /**
     * Runs a command.
     *
     * @param environment the environment variables ({@code HERALD_REDIS_URI})
     * @return the exit code: 0 done, 1 failed, 2 bad arguments, 130 interrupted
     */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        String redisFromEnvironment = environment.get("HERALD_REDIS_URI");
        try {
            switch (command) {
                case "demo":
                    return demo(rest, redisFromEnvironment, out);
                case "publish":
                    return new PublishCommand(out).run(rest, redisFromEnvironment);
                case "tail":
                    return new TailCommand(out).run(rest, redisFromEnvironment);
                case "dlq":
                    return new DeadLetterCommand(out).run(rest, redisFromEnvironment);
                case "bench":
                    return new BenchCommand(out).run(rest);
                case "help":
                case "--help":
                case "-h":
                    usage(out);
                    return 0;
                default:
                    err.println("unknown command '" + command + "'");
                    usage(err);
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("herald " + command + " failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static final String DEMO_USAGE = "demo [ORDERS] [--redis URI | --in-memory]";

    private static int demo(String[] args, @Nullable String redisFromEnvironment, PrintStream out) throws InterruptedException {
        CommandLine line = CommandLine.parse(args, DEMO_USAGE, Map.of("--redis", RedisOptions.URI_DESCRIPTION),
                Set.of("--in-memory"));
        int orders = 5;
        for (String word : line.words()) { // the last one counts
            orders = Arguments.wholeNumber(word, 1, 1_000_000, "the number of orders");
        }
        Demo demo = new Demo(out);
        if (line.flag("--in-memory")) {
            return demo.runInMemory(orders);
        }
        RedisTarget redis = RedisOptions.target(line, redisFromEnvironment);
        return redis == null ? demo.runOnThrowAwayRedis(orders) : demo.runOnRedis(redis, orders);
    }

    private static void usage(PrintStream out) {
        out.println("usage: herald <command>");
        out.println("  " + DEMO_USAGE);
        out.println("                  publish ORDERS orders (default 5) through a demo bus and show what happens;");
        out.println("                  on Redis at URI (or $HERALD_REDIS_URI), else on a throw-away redis-server");
        out.println("  " + PublishCommand.USAGE);
        out.println("                  publish one event of type TYPE with JSON as its data (a CloudEvent, as a service would)");
        out.println("  " + TailCommand.USAGE);
        out.println("                  print each event of these types as it is published (Pub/Sub), until N or Ctrl-C;");
        out.println("                  a message that is not a CloudEvent is printed flagged UNDECODABLE; writes nothing");
        out.println("  " + DeadLetterCommand.USAGE);
        out.println("                  the dead letters in Redis at URI (or $HERALD_REDIS_URI), prefix default herald:");
        out.println("                  list the oldest N (default 20), show one with its message, publish one again");
        out.println("                  to every handler of its type (replay), delete one, delete all");
        out.println("  " + BenchCommand.USAGE);
        out.println("                  a quick load check of Herald alone (default 100,000 events of 1 KB): publish and");
        out.println("                  delivery rates, latency, lost; on a throw-away redis-server unless --redis is given");
        out.println("  help            this text");
        out.println("URI: redis://[user:password@]host:port[/db] for one server (rediss:// for TLS), or");
        out.println("     redis-cluster://[user:password@]host:port[,host:port...] for a Redis Cluster (rediss-cluster:// for TLS):");
        out.println("     any reachable node will do; on a cluster, Pub/Sub channels are shard channels (SPUBLISH, SSUBSCRIBE)");
    }
}
