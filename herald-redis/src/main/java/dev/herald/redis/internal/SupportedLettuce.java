package dev.herald.redis.internal;

import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a Lettuce older than Herald supports when a bus is built, with a message naming the
 * version found and the range, instead of a {@code NoClassDefFoundError} at some later call. The
 * version is read from the lettuce-core jar's {@code pom.properties}, else its manifest (such as
 * {@code 6.6.0.RELEASE/643bd47}); where neither tells it, Lettuce is accepted.
 */
public final class SupportedLettuce {

    private static final Logger log = LoggerFactory.getLogger(SupportedLettuce.class);
    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)");
    private static final int OLDEST_MAJOR = 6;
    private static final int OLDEST_MINOR = 6;
    private static final int NEWEST_MAJOR = 7;
    private static final AtomicBoolean UNTESTED_WARNED = new AtomicBoolean();

    private SupportedLettuce() {
    }

    /**
     * Checks the lettuce-core on the class path.
     *
     * @throws IllegalStateException if it is older than 6.6 (a major version past 7 is warned about once)
     */
    public static void require() {
        check(version());
    }

    /**
     * The lettuce-core version: from the {@code pom.properties} Maven puts in the jar, which a
     * shaded jar keeps; else from the manifest, if it is Lettuce's own (a shaded jar's manifest
     * is the application's); else unknown.
     */
    static @Nullable String version() {
        ClassLoader loader = RedisClient.class.getClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties pom = new Properties();
                pom.load(in);
                String version = pom.getProperty("version");
                if (version != null) {
                    return version;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Cannot read {}", POM_PROPERTIES, e);
        }
        Package lettuce = RedisClient.class.getPackage();
        return lettuce != null && "Lettuce".equals(lettuce.getImplementationTitle()) ? lettuce.getImplementationVersion() : null;
    }

    private static final String POM_PROPERTIES = "META-INF/maven/io.lettuce/lettuce-core/pom.properties";

    static void check(@Nullable String version) {
        Matcher m = version == null ? null : MAJOR_MINOR.matcher(version);
        if (version == null || m == null || !m.find()) {
            log.debug("The version of lettuce-core on the class path is not known ({}); assuming a supported one", version);
            return;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int end = version.indexOf('/');
        String shown = end < 0 ? version : version.substring(0, end);
        if (major < OLDEST_MAJOR || major == OLDEST_MAJOR && minor < OLDEST_MINOR) {
            throw new IllegalStateException("Herald needs Lettuce 6.6 to 7.x, but the class path has lettuce-core "
                    + shown + "; align the Lettuce version (for example with Spring Boot 3.5 or later, whose dependency"
                    + " management brings a supported one)");
        }
        if (major > NEWEST_MAJOR && UNTESTED_WARNED.compareAndSet(false, true)) {
            log.warn("Herald is tested on Lettuce 6.6 to 7.x, and the class path has lettuce-core {}: it may work, untested",
                    shown);
        }
    }
}
