package dev.herald.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as a handler of one event class on the application's
 * {@link dev.herald.EventBus}, as {@code @KafkaListener} does for Kafka.
 *
 * <pre>{@code
 * @Component
 * class OrderListeners {
 *     @HeraldListener
 *     void sendConfirmation(OrderPlaced order) { ... }             // the event
 *
 *     @HeraldListener(name = "audit", concurrency = 4)
 *     void audit(Envelope<OrderPlaced> event) { ... }              // the event with its id, time, correlation id...
 * }
 * }</pre>
 *
 * <p>The method takes exactly one parameter: the event class (annotated
 * {@link dev.herald.EventType @EventType}, or registered by hand), or {@link dev.herald.Envelope}
 * of it; it returns {@code void} (anything returned is ignored) and may throw any exception. What
 * it throws goes through the handler's retry policy and then the dead-letter queue, as for any
 * handler. Methods are found on each bean when it is initialized, and subscribed before the bus
 * starts; a method of another shape fails the application's startup with a message naming it.
 *
 * <p>Properties under {@code herald.handlers[<name>]} override the attributes of a handler by
 * its name (see {@code HeraldProperties}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HeraldListener {

    /**
     * The handler's name: in dead letters, logs and metrics, and in Streams mode its consumer
     * group ({@code <source>:<name>}), so renaming it starts a new group that reads only new
     * events. Default: {@code <bean name>.<method name>}, stable across restarts as long as both are.
     *
     * @return the name, or empty for the default
     */
    String name() default "";

    /**
     * Worker threads for this handler; above 1 events run in parallel and their order is lost,
     * unless {@link #orderedBySubject()}.
     *
     * @return from 1 to 1024; default 1
     */
    int concurrency() default 1;

    /**
     * Whether events of one subject (aggregate id) keep their order when {@link #concurrency()} is above 1.
     *
     * @return default false
     */
    boolean orderedBySubject() default false;

    /**
     * This handler's retry policy; by default the bus's ({@code herald.retry.*}).
     *
     * @return the retry settings
     */
    Retry retry() default @Retry;

    /**
     * A handler's own retry policy: each attribute left at its default takes the bus's value.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Retry {

        /**
         * Calls of the handler in all, the first included; 1 means no retry.
         *
         * @return at least 1; 0 (the default) for the bus's
         */
        int maxAttempts() default 0;

        /**
         * The delay before the first retry, such as {@code "100ms"} or {@code "PT1S"}.
         *
         * @return a duration; empty (the default) for the bus's
         */
        String initialDelay() default "";

        /**
         * The factor between consecutive delays.
         *
         * @return at least 1.0; 0 (the default) for the bus's
         */
        double multiplier() default 0;

        /**
         * The cap on any delay, such as {@code "10s"}.
         *
         * @return a duration; empty (the default) for the bus's
         */
        String maxDelay() default "";
    }
}
