package dev.herald.spring.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a failed start of the application's bus into Spring Boot's "APPLICATION FAILED TO START"
 * report: the description is Herald's message (what failed, on which Redis, and Redis's own
 * words), the action what to check. A failure is the bus's when it was thrown by
 * {@link BusLifecycle#start()}, which Spring otherwise reports as "Failed to start bean
 * 'heraldBusLifecycle'" with the reason further down. Registered in
 * {@code META-INF/spring.factories}; stateless.
 */
public final class StartFailureAnalyzer implements FailureAnalyzer {

    /** For Spring's {@code SpringFactoriesLoader}. */
    public StartFailureAnalyzer() {
    }

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        Throwable herald = thrownByStart(failure);
        if (herald == null) {
            return null;
        }
        String message = String.valueOf(herald.getMessage());
        Throwable cause = herald;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String root = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        String description = "The Herald bus could not start: " + message
                + (cause != herald && !message.contains(root) ? " (caused by " + root + ")" : "");
        return new FailureAnalysis(description, action(description), herald);
    }

    /** The outermost exception that BusLifecycle.start() threw, in the failure's chain. */
    private static @Nullable Throwable thrownByStart(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().equals(BusLifecycle.class.getName()) && frame.getMethodName().equals("start")) {
                    return t;
                }
            }
        }
        return null;
    }

    static String action(String description) {
        String text = description.toLowerCase(Locale.ROOT);
        if (text.contains("wrongpass") || text.contains("noauth") || text.contains("auth failed")
                || text.contains("invalid username-password")) {
            return "Check the credentials of the application's Redis, which Herald uses: spring.data.redis.password and"
                    + " spring.data.redis.username (or the user and password of spring.data.redis.url; with Sentinel also"
                    + " spring.data.redis.sentinel.password).";
        }
        if (text.contains("herald.handlers[")) {
            return "Name one of the handlers listed in herald.handlers[...], or remove that override. A handler's name is its"
                    + " @HeraldListener(name = ...), else '<bean name>.<method name>'.";
        }
        if (text.contains("@eventtype")) {
            return "Annotate the event class with @EventType(\"some.type\"), the type name its events carry, or register"
                    + " that name in a HeraldBusCustomizer bean (builder.registerType(\"some.type\", TheEvent.class)).";
        }
        if (text.contains("cannot connect") || text.contains("connection refused") || text.contains("unable to connect")
                || text.contains("timed out") || text.contains("timeout") || text.contains("unknownhost")) {
            return "Check that Redis is running and reachable from this application at the address above, and the"
                    + " application's Redis settings, which Herald uses: spring.data.redis.host and .port, or .url, or"
                    + " .sentinel.* or .cluster.nodes, and .ssl.enabled for TLS.";
        }
        return "Correct what the description names. The bus starts with the application context, once every @HeraldListener"
                + " method is subscribed; herald.* and spring.data.redis.* configure it.";
    }
}
