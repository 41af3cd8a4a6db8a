package dev.herald.cli;

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
}
