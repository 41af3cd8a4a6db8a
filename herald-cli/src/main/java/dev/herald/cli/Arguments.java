package dev.herald.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading command-line values; a bad one is an IllegalArgumentException naming it and what would be right. */
final class Arguments {

    private Arguments() {
    }

    /**
     * A whole number within bounds.
     *
     * @param what what the number is, as the message starts, e.g. "--limit"
     */
    static int wholeNumber(String text, int min, int max, String what) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,7})(ms|s|m)");

    /**
     * A duration: a whole number and a unit, {@code ms}, {@code s} or {@code m}, from 1 ms to 1 hour.
     *
     * @param what what the duration is, as the message starts, e.g. "--timeout"
     */
    static Duration duration(String text, String what) {
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
            if (!d.isZero() && d.compareTo(Duration.ofHours(1)) <= 0) {
                return d;
            }
        }
        throw new IllegalArgumentException(what + " must be a duration from 1ms to 60m, such as 30s, 500ms or 2m, not '" + text + "'");
    }
}
