package dev.herald.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code redis-server} binaries inside {@code com.github.codemonstur:embedded-redis}, an
 * optional dependency of herald-testkit (a 12 MB jar): {@link RedisServer}'s fallback where no
 * {@code redis-server} is on the {@code PATH}. Whether the jar is there is seen from one of its
 * classes, looked up as a resource so that nothing of it is loaded. Thread-safe.
 */
final class EmbeddedRedis {

    /** The Maven coordinates to add for the fallback. */
    static final String ARTIFACT = "com.github.codemonstur:embedded-redis";

    private static final String MARKER = "redis/embedded/RedisServer.class";

    private final ClassLoader loader;
    private final String marker;

    /**
     * The binaries as seen by {@code loader}, if the resource {@code marker} is there.
     *
     * @param loader where to look
     * @param marker a resource that only embedded-redis has, such as one of its classes
     */
    EmbeddedRedis(ClassLoader loader, String marker) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.marker = Objects.requireNonNull(marker, "marker");
    }

    /**
     * The binaries on herald-testkit's own class path.
     *
     * @return the lookup
     */
    static EmbeddedRedis onClassPath() {
        return new EmbeddedRedis(RedisServer.class.getClassLoader(), MARKER);
    }

    /**
     * Whether embedded-redis is on the class path.
     *
     * @return true if its marker resource is there
     */
    boolean present() {
        return loader.getResource(marker) != null;
    }

    /**
     * The binary named {@code resource}, copied out of the jar to the temporary directory (once:
     * later calls, from any JVM, find the copy there; a copy is moved into place atomically, so
     * concurrent first calls are harmless).
     *
     * @param resource the binary's name in the jar, such as {@code redis-server-6.2.6-v5-linux-amd64}
     * @return its executable copy, or empty if the class path has no such resource
     * @throws UncheckedIOException if the copy cannot be made
     */
    Optional<Path> binary(String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            Path target = Path.of(System.getProperty("java.io.tmpdir"), "herald-" + resource);
            if (!Files.isExecutable(target)) {
                Path partial = Files.createTempFile("herald-redis-", ".partial");
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return Optional.of(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedded redis-server " + resource, e);
        }
    }
}
