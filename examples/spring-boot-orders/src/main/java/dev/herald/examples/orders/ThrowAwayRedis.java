package dev.herald.examples.orders;

import dev.herald.testkit.RedisServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts a throw-away {@code redis-server} (herald-testkit's {@link RedisServer}: the one on the
 * PATH, else the binary inside embedded-redis, on a free port) when no Redis is configured, points
 * {@code spring.data.redis.url} at it, and stops it once the application has shut down. The
 * example's convenience: an application leaves Redis to its configuration.
 *
 * <p>Ctrl-C in a terminal signals every process of the foreground process group: a redis-server
 * in it would stop at once, while the bus still needs it to shut down. Where {@code setsid} and
 * {@code redis-server} are on the PATH (Linux), the server runs in a session of its own, so only
 * the application gets the signal and stops the server itself, last.
 */
final class ThrowAwayRedis implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Logger log = LoggerFactory.getLogger(ThrowAwayRedis.class);

    /** Any of these, in any property source (SPRING_DATA_REDIS_URL too), means a Redis is configured. */
    private static final List<String> REDIS_PROPERTIES = List.of("spring.data.redis.url", "spring.data.redis.host",
            "spring.data.redis.port", "spring.data.redis.sentinel.master", "spring.data.redis.cluster.nodes");

    private final Consumer<Runnable> atExit;

    /** Stops the server from Spring Boot's shutdown handlers, which run after the contexts have closed. */
    ThrowAwayRedis() {
        this(SpringApplication.getShutdownHandlers()::add);
    }

    /**
     * A listener that hands what stops the server to {@code atExit}.
     *
     * @param atExit takes what stops the server, to run once the application has shut down
     */
    ThrowAwayRedis(Consumer<Runnable> atExit) {
        this.atExit = atExit;
    }

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        if (REDIS_PROPERTIES.stream().anyMatch(environment::containsProperty)) {
            return;
        }
        RedisServer redis = start();
        // after the application's contexts have closed: the bus has stopped by then
        atExit.accept(() -> {
            redis.close();
            log.info("Stopped the throw-away redis-server on port {}", redis.port());
        });
        environment.getPropertySources().addLast(new MapPropertySource("throwAwayRedis",
                Map.of("spring.data.redis.url", redis.uri())));
        log.info("No Redis configured (spring.data.redis.* or SPRING_DATA_REDIS_URL): started a throw-away "
                + "redis-server on port {}; it stops with the application", redis.port());
    }

    private static RedisServer start() {
        Optional<Path> setsid = onPath("setsid");
        Optional<Path> redisServer = onPath("redis-server");
        boolean chosen = System.getProperty(RedisServer.BINARY_PROPERTY) != null || System.getenv("HERALD_REDIS_SERVER") != null;
        if (chosen || setsid.isEmpty() || redisServer.isEmpty()) {
            return RedisServer.start(); // the PATH's, the embedded one or the one chosen, in the application's group
        }
        try {
            // RedisServer runs the binary that herald.redis-server names: here a script that execs
            // redis-server in its own session (same process, so RedisServer still stops it)
            Path script = Files.createTempFile("redis-server-", ".sh");
            try {
                Files.writeString(script, "#!/bin/sh\nexec " + setsid.get() + " " + redisServer.get() + " \"$@\"\n");
                if (!script.toFile().setExecutable(true, true)) {
                    return RedisServer.start();
                }
                System.setProperty(RedisServer.BINARY_PROPERTY, script.toString());
                return RedisServer.start();
            } finally {
                System.clearProperty(RedisServer.BINARY_PROPERTY);
                Files.deleteIfExists(script); // exec'd by now: RedisServer.start() waits for PONG
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the script that starts redis-server", e);
        }
    }

    private static Optional<Path> onPath(String command) {
        return Arrays.stream(Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
