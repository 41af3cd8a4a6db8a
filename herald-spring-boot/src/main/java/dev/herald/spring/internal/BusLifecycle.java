package dev.herald.spring.internal;

import dev.herald.EventBus;
import dev.herald.SubscriptionOptions;
import dev.herald.spring.boot.HeraldProperties;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's bus once the context's beans are made, and with them the
 * {@code @HeraldListener} methods found ({@link ListenerMethods}), subscribed first; and shuts it
 * down gracefully when the context stops.
 *
 * <p>Its phase, {@link #PHASE}, is below the web server's (Spring Boot stops taking requests and
 * lets those in progress finish at {@code DEFAULT_PHASE - 1024}, then stops the server at
 * {@code DEFAULT_PHASE - 2048}) and above the Redis connection factory's ({@code 0}). So the bus
 * starts after Redis and before the web server takes requests, and it stops after the last
 * request has ended (requests may still publish) and before Redis goes away: handlers finish the
 * events received within the shutdown timeout, and what is left is dead-lettered with reason
 * {@code SHUTDOWN} (Pub/Sub) or left pending for another instance (Streams). The shutdown timeout
 * is shorter than Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}, so the bus has
 * finished, or set aside what it could not finish, before Spring stops waiting for the phase.
 *
 * <p>A bus shut down cannot start again: after the context's {@code stop()}, its {@code start()}
 * leaves the bus shut down (and logs a warning) rather than failing. The lifecycle is not
 * pauseable ({@link #isPauseable()}), so Spring 7's {@code restart()} and {@code pause()} leave
 * the bus running.
 */
public final class BusLifecycle implements SmartLifecycle {

    /** The phase: {@code SmartLifecycle.DEFAULT_PHASE - 4096}, after the web server's (see the class documentation). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(BusLifecycle.class);

    /** Subscribes one listener method. */
    @FunctionalInterface
    interface Subscriber {
        void subscribe(ListenerMethod method);
    }

    private final EventBus bus;
    private final ListenerMethods methods;
    private final Map<String, HeraldProperties.Handler> overrides;
    private final HeraldProperties.Retry busRetry;
    private final Duration shutdownTimeout;
    private final Map<String, Subscribed> subscribed = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile boolean shutDown;

    /**
     * @param bus the bus
     * @param methods the listener methods found
     * @param overrides per handler name, the properties' overrides
     * @param busRetry {@code herald.retry.*}, the bus's retry policy, under a listener's partial one
     * @param shutdownTimeout how long handlers may finish when the context stops
     */
    public BusLifecycle(EventBus bus, ListenerMethods methods, Map<String, HeraldProperties.Handler> overrides,
            HeraldProperties.Retry busRetry, Duration shutdownTimeout) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.methods = Objects.requireNonNull(methods, "methods");
        this.overrides = Map.copyOf(overrides);
        this.busRetry = Objects.requireNonNull(busRetry, "busRetry");
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    /**
     * The bus's shutdown timeout: the one configured, or two thirds of Spring's phase timeout,
     * leaving the rest to dead-letter what is left.
     *
     * @param configured {@code herald.shutdown-timeout}, or {@code null}
     * @param phaseTimeout {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @return the timeout
     * @throws IllegalArgumentException if the one configured is not shorter than the phase timeout
     */
    public static Duration shutdownTimeout(@Nullable Duration configured, Duration phaseTimeout) {
        if (configured == null) {
            return phaseTimeout.multipliedBy(2).dividedBy(3);
        }
        if (configured.isNegative() || configured.compareTo(phaseTimeout) >= 0) {
            throw new IllegalArgumentException("herald.shutdown-timeout of " + configured + " must be zero or positive and shorter"
                    + " than spring.lifecycle.timeout-per-shutdown-phase (" + phaseTimeout + "), or Spring stops waiting"
                    + " for the bus before its handlers are done: lower herald.shutdown-timeout (to "
                    + phaseTimeout.multipliedBy(2).dividedBy(3) + ", say) or raise the phase timeout");
        }
        return configured;
    }

    @Override
    public void start() {
        if (shutDown) {
            log.warn("The Herald bus was shut down when the context stopped and cannot start again: its handlers stay"
                    + " unsubscribed and publishes fail until the application is restarted");
            return;
        }
        for (String name : overrides.keySet()) {
            if (!methods.names().contains(name)) {
                throw new IllegalStateException("herald.handlers[" + name + "] names no @HeraldListener handler; the handlers are "
                        + methods.names());
            }
        }
        methods.subscribeAll(this::subscribe);
        bus.start();
        running = true;
    }

    private void subscribe(ListenerMethod method) {
        SubscriptionOptions options = HandlerOptions.of(method, overrides.get(method.handlerName()), busRetry);
        method.subscribe(bus, options);
        subscribed.put(method.handlerName(), new Subscribed(method.description(), options));
    }

    /**
     * The {@code @HeraldListener} methods subscribed so far, with the options they were
     * subscribed with (the annotation's, the bus's retry policy and the properties' overrides).
     *
     * @return per handler name, its method and options
     */
    public Map<String, Subscribed> subscribed() {
        return Map.copyOf(subscribed);
    }

    /**
     * A listener method as subscribed.
     *
     * @param method the method, as {@link ListenerMethod#description()} names it
     * @param options the options it was subscribed with
     */
    public record Subscribed(String method, SubscriptionOptions options) {

        /** Validates. */
        public Subscribed {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(options, "options");
        }
    }

    @Override
    public void stop() {
        running = false;
        shutDown = true;
        bus.shutdown(shutdownTimeout); // Herald's buses log their report (INFO, or WARN past the deadline)
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Not pauseable: a shut-down bus cannot start again, so a context's {@code restart()} or
     * {@code pause()} (Spring 7) leaves it running. (Spring 6.2, of Spring Boot 3.5, has neither.)
     *
     * @return false
     */
    @Override
    public boolean isPauseable() {
        return false;
    }
}
