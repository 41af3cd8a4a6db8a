package dev.herald.cli;

import dev.herald.redis.RedisTarget;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

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
        // a failure on a thread of the client's or the bus's would otherwise print a stack trace
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> System.err.println("herald: " + oneLine(e)
                + " (on thread " + thread.getName() + ")"));
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    /**
     * Runs a command.
     *
     * @param environment the environment variables ({@code HERALD_REDIS_URI}, {@code HERALD_TIMEOUT})
     * @return the exit code: 0 done, 1 failed, 2 bad arguments, 130 interrupted
     */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
            String about = rest.length > 0 ? Help.of(rest[0], Arrays.copyOfRange(rest, 1, rest.length)) : Help.general();
            if (about == null) {
                err.println("unknown command '" + rest[0] + "'");
                err.print(Help.general());
                return 2;
            }
            out.print(about);
            return 0;
        }
        String about = Help.asked(rest) ? Help.of(command, rest) : null;
        if (about != null) {
            out.print(about);
            return 0;
        }
        try {
            switch (command) {
                case "demo":
                    return demo(rest, environment, out);
                case "publish":
                    return new PublishCommand(out).run(rest, environment);
                case "tail":
                    return new TailCommand(out).run(rest, environment);
                case "dlq":
                    return new DeadLetterCommand(out).run(rest, environment);
                case "bench":
                    return new BenchCommand(out).run(rest, environment);
                default:
                    err.println("unknown command '" + command + "'");
                    err.print(Help.general());
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            err.println(oneLine(e));
            return 2;
        } catch (RuntimeException | Error e) { // whatever failed, one line: no stack trace
            err.println("herald " + command + " failed: " + oneLine(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** A failure's message on one line; a failure without one is named by its class. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.replaceAll("\\s+", " ").strip();
    }

    static final String DEMO_USAGE = "demo [ORDERS] [--redis URI [--timeout DURATION] | --in-memory]";

    private static int demo(String[] args, Map<String, String> environment, PrintStream out) throws InterruptedException {
        CommandLine line = CommandLine.parse(args, DEMO_USAGE, Map.of("--redis", RedisOptions.URI_DESCRIPTION,
                "--timeout", RedisOptions.TIMEOUT_DESCRIPTION), Set.of("--in-memory"));
        int orders = 5;
        for (String word : line.words()) { // the last one counts
            orders = Arguments.wholeNumber(word, 1, 1_000_000, "the number of orders");
        }
        Demo demo = new Demo(out);
        if (line.flag("--in-memory")) {
            return demo.runInMemory(orders);
        }
        Duration timeout = RedisOptions.timeout(line, environment);
        RedisTarget redis = RedisOptions.target(line, environment.get("HERALD_REDIS_URI"));
        return redis == null ? demo.runOnThrowAwayRedis(orders, timeout) : demo.runOnRedis(RedisOptions.bounded(redis, timeout),
                line.value("--redis") != null ? "--redis" : "HERALD_REDIS_URI", timeout, orders);
    }
}
