package dev.herald.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a test opened, closed in reverse order: a bus before the client it uses, the client before
 * the server it talks to. Every resource is closed even when one fails to (an exception or an
 * error, such as a failed assertion); the first failure is thrown, each later one added to it as
 * suppressed. Closed, it is empty and can be used again, so one instance can serve each test of
 * a class, closed from an {@code @AfterEach} method:
 *
 * <pre>{@code
 * private final Resources resources = new Resources(); // resources.close() after each test
 *
 * RedisServer redis = resources.add(RedisServer.start());
 * RedisClient client = RedisClient.create(redis.uri());
 * resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
 * EventBus bus = resources.add(RedisEventBus.builder(client).build()); // closing a bus shuts it down
 * }</pre>
 *
 * <p>Thread-safe: resources may be added from any thread, also while it closes (those are closed
 * too). Null rules: nothing may be null.
 */
public final class Resources implements AutoCloseable {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Creates an empty stack of resources. */
    public Resources() {
    }

    /**
     * Adds a resource, to be closed before those added earlier.
     *
     * @param resource what to close; a lambda for anything else that ends ({@code () -> client.shutdown()})
     * @param <T> its type
     * @return {@code resource}, so that it can be added where it is made
     */
    public <T extends AutoCloseable> T add(T resource) {
        Objects.requireNonNull(resource, "resource");
        synchronized (open) {
            open.push(resource);
        }
        return resource;
    }

    /**
     * Closes every resource added, the last added first, and forgets them.
     *
     * @throws Exception the first failure to close one (an {@link Error} is thrown as it is), with
     *     any later ones as suppressed exceptions, once all were closed
     */
    @Override
    public void close() throws Exception {
        Throwable failure = null;
        for (AutoCloseable resource = next(); resource != null; resource = next()) {
            try {
                resource.close();
            } catch (Exception | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw (Exception) failure;
        }
    }

    private @Nullable AutoCloseable next() {
        synchronized (open) {
            return open.poll();
        }
    }
}
