package dev.herald.internal.codec;

import dev.herald.Metadata;
import java.util.Objects;

/**
 * The rule for extension attributes set by a publisher ({@link Metadata} headers) or by an
 * observer on publish: a CloudEvents extension name, 1 to 20 lower-case letters or digits, not one
 * of {@link Metadata#RESERVED_NAMES}, and a value. Thread-safe (stateless).
 */
public final class ExtensionNames {

    /** The longest extension name CloudEvents allows. */
    private static final int MAX_LENGTH = 20;

    private ExtensionNames() {
    }

    /**
     * Checks one attribute.
     *
     * @param what what it is called where it was set, such as {@code "header"}
     * @throws IllegalArgumentException naming the name, if it is not a valid or is a reserved name
     */
    public static void check(String what, String name, String value) {
        Objects.requireNonNull(name, () -> what + " name");
        Objects.requireNonNull(value, () -> "value of " + what + " '" + name + "'");
        if (!isExtensionName(name)) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' is not a CloudEvents extension name: use 1 to 20 lower-case letters or digits, such as 'tenantid'");
        }
        if (Metadata.RESERVED_NAMES.contains(name)) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' is reserved: Herald sets it itself (reserved: " + Metadata.RESERVED_NAMES + ")");
        }
    }

    /** 1 to 20 of {@code [a-z0-9]}, checked without a regex: a tracing observer sets two per publish. */
    private static boolean isExtensionName(String name) {
        int length = name.length();
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
