package dev.herald.internal.codec;

import dev.herald.Metadata;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The rule for extension attributes set by a publisher ({@link Metadata} headers) or by an
 * observer on publish: a CloudEvents extension name, 1 to 20 lower-case letters or digits, not one
 * of {@link Metadata#RESERVED_NAMES}, and a value. Thread-safe (stateless).
 */
public final class ExtensionNames {

    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");

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
        if (!EXTENSION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' is not a CloudEvents extension name: use 1 to 20 lower-case letters or digits, such as 'tenantid'");
        }
        if (Metadata.RESERVED_NAMES.contains(name)) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' is reserved: Herald sets it itself (reserved: " + Metadata.RESERVED_NAMES + ")");
        }
    }
}
