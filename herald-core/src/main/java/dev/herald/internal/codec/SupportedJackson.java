package dev.herald.internal.codec;

import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.core.json.PackageVersion;

/**
 * Refuses a Jackson older than Herald supports when a bus is built, with a message naming the
 * version found and the range, instead of a {@code NoSuchMethodError} at some later call.
 */
public final class SupportedJackson {

    /** The oldest Jackson 2 minor version that Herald is tested on: 2.15. */
    private static final int OLDEST_MINOR = 15;

    private SupportedJackson() {
    }

    /**
     * Checks the jackson-core and jackson-databind on the class path.
     *
     * @throws IllegalStateException if either is older than 2.15 or not a Jackson 2
     */
    public static void require() {
        check("jackson-core", PackageVersion.VERSION);
        check("jackson-databind", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION); // same simple name
    }

    static void check(String artifact, Version found) {
        if (found.getMajorVersion() != 2 || found.getMinorVersion() < OLDEST_MINOR) {
            throw new IllegalStateException("Herald needs Jackson 2.15 or a later 2.x, but the class path has " + artifact
                    + " " + found + "; align the Jackson version (for example with the jackson-bom, or"
                    + " Spring Boot 3.5 or later, whose dependency management brings a supported one)");
        }
    }
}
