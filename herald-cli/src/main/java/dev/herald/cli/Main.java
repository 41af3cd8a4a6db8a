package dev.herald.cli;

import java.io.PrintStream;

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
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        try {
            switch (command) {
                case "demo":
                    return new Demo(out).run(args.length > 1 ? parseCount(args[1]) : 5);
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static int parseCount(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("the number of orders must be a whole number from 1 to 1000000, not '" + text + "'");
    }

    private static void usage(PrintStream out) {
        out.println("usage: herald <command>");
        out.println("  demo [ORDERS]   publish ORDERS orders (default 5) through a demo bus and show what happens");
        out.println("  help            this text");
    }
}
