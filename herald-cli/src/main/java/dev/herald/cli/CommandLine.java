package dev.herald.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A command's arguments, split into options with a value, flags, and the words among them. A
 * bad argument is an IllegalArgumentException that names it and says what would be right.
 */
final class CommandLine {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> words = new ArrayList<>();

    private CommandLine() {
    }

    /**
     * @param usage the command's usage line, quoted in errors
     * @param options each option that takes a value, with what that value is ("a URI, such as ...")
     * @param flags the options without a value
     */
    static CommandLine parse(String[] args, String usage, Map<String, String> options, Set<String> flags) {
        CommandLine line = new CommandLine();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (options.containsKey(arg)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(arg + " needs " + options.get(arg));
                }
                line.values.put(arg, args[++i]);
            } else if (flags.contains(arg)) {
                line.flags.add(arg);
            } else if (arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; usage: herald " + usage);
            } else {
                line.words.add(arg);
            }
        }
        return line;
    }

    @Nullable String value(String option) {
        return values.get(option);
    }

    String value(String option, String otherwise) {
        return values.getOrDefault(option, otherwise);
    }

    boolean flag(String flag) {
        return flags.contains(flag);
    }

    List<String> words() {
        return words;
    }
}
