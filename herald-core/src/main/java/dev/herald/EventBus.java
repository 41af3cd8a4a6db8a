package dev.herald;

import dev.herald.internal.codec.EventTypeRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes domain events and hands them to subscribed handlers, with retries, dead letters and
 * a graceful shutdown.
 *
 * <pre>{@code
 * EventBus bus = RedisEventBus.builder(RedisClient.create("redis://localhost:6379"))
 *         .source("orders-service")
 *         .retry(RetryPolicy.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10), 5))
 *         .build();
 * bus.subscribe(OrderPlaced.class, e -> mailer.confirm(e.payload()));
 * bus.subscribe("order.placed", e -> audit.record(e.id(), e.type()));
 * bus.start();
 * bus.publish(new OrderPlaced("42", 9950)).join();
 * bus.shutdown();
 * }</pre>
 *
 * <h2>Delivery</h2>
 * Every handler subscribed to a type receives each event of that type; in Pub/Sub and in-memory
 * modes only while it is subscribed (an event published while no bus is listening is gone), in
 * Redis Streams mode durably, once per handler and service. Once a bus has received an event, each
 * of its handlers either completes it or, after the retries of its {@link RetryPolicy}, the event
 * becomes a {@link DeadLetter}: nothing received is dropped, also on {@link #shutdown(Duration)}.
 *
 * <h2>Threading</h2>
 * All methods are thread-safe. Handlers run on their subscription's own bounded worker threads,
 * so a slow or hanging handler delays nobody else. {@link #start()} and {@link #shutdown()} are
 * idempotent; see {@link BusState} for the lifecycle.
 *
 * <h2>Correlation</h2>
 * An event published from inside a handler (on the handler's thread) inherits the handled
 * event's correlation id and takes its id as causation id.
 */
public interface EventBus extends AutoCloseable {

    /**
     * Publishes an event with default metadata; see {@link #publish(Object, Metadata)}.
     *
     * @param event the event; its class needs {@link EventType @EventType} or a registration
     * @param <E> the event class
     * @return completes with the envelope as sent once the transport accepted the event
     */
    default <E> CompletableFuture<Envelope<E>> publish(E event) {
        return publish(event, Metadata.empty());
    }

    /**
     * Publishes an event asynchronously.
     *
     * <p>The returned future completes once the transport (Redis) has accepted the event, and
     * fails, never silently, with: {@link IllegalStateException} if the bus is not running;
     * {@link IllegalArgumentException} if the event's class has no type name, cannot be
     * serialized, or is larger than the maximum message size; or the transport's error (for
     * Redis, after retrying up to the publish timeout). This method itself throws only
     * {@link NullPointerException}, for a {@code null} argument.
     *
     * <p>Order: events published one after the other from one thread reach the transport in that
     * order, with one exception: a publish that failed (Redis answered with an error, such as
     * {@code LOADING} while it restarts or {@code READONLY} during a failover) is sent again after
     * a backoff, and by then later publishes may have gone out before it.
     * Whoever needs strict order across such a failure waits for each future before publishing
     * the next.
     *
     * @param event the event; its class needs {@link EventType @EventType} or a registration
     * @param metadata correlation id, subject, headers; {@link Metadata#empty()} for defaults
     * @param <E> the event class
     * @return completes with the envelope as sent
     */
    <E> CompletableFuture<Envelope<E>> publish(E event, Metadata metadata);

    /**
     * Publishes an event under a type name given here rather than by its class: for an integration
     * that routes objects by name (such as Spring Modulith's externalization), or one class sent
     * under several types. The event needs neither {@link EventType @EventType} nor a registration,
     * and does not tie its class to the type: subscribers by class decode the data into their own
     * class. Otherwise as {@link #publish(Object, Metadata)}: the future fails with
     * {@link IllegalArgumentException} for an invalid or reserved type name (see
     * {@link #checkEventType(String)}), and this method throws only {@link NullPointerException}.
     *
     * <pre>{@code
     * bus.publish("order.placed", Map.of("orderId", "42"), Metadata.empty()).join();
     * }</pre>
     *
     * @param eventType the CloudEvents type to send the event as
     * @param event the event, serialized by the bus's codec
     * @param metadata correlation id, subject, headers; {@link Metadata#empty()} for defaults
     * @param <E> the event class
     * @return completes with the envelope as sent
     */
    <E> CompletableFuture<Envelope<E>> publish(String eventType, E event, Metadata metadata);

    /**
     * Subscribes a handler to an event class, with a derived handler name.
     *
     * @param eventClass the class, with {@link EventType @EventType} or registered
     * @param handler the handler
     * @param <E> the event class
     * @return the subscription
     * @throws IllegalArgumentException if the class has no type name
     * @throws IllegalStateException if the bus is shutting down or shut down
     */
    default <E> Subscription subscribe(Class<E> eventClass, EventHandler<E> handler) {
        return subscribe(eventClass, SubscriptionOptions.defaults(), handler);
    }

    /**
     * Subscribes a named handler to an event class.
     *
     * @param eventClass the class, with {@link EventType @EventType} or registered
     * @param handlerName the handler name, unique per event type in this bus
     * @param handler the handler
     * @param <E> the event class
     * @return the subscription
     * @throws IllegalArgumentException if the class has no type name or the name is taken or invalid
     * @throws IllegalStateException if the bus is shutting down or shut down
     */
    default <E> Subscription subscribe(Class<E> eventClass, String handlerName, EventHandler<E> handler) {
        return subscribe(eventClass, SubscriptionOptions.named(handlerName), handler);
    }

    /**
     * Subscribes a handler to an event class with options (name, concurrency, retry, queue).
     *
     * <p>Subscribing is allowed before and after {@link #start()}; after it, this method returns
     * once the subscription is live.
     *
     * @param eventClass the class, with {@link EventType @EventType} or registered
     * @param options the subscription's options
     * @param handler the handler
     * @param <E> the event class
     * @return the subscription
     * @throws IllegalArgumentException if the class has no type name or the name is taken
     * @throws IllegalStateException if the bus is shutting down or shut down
     */
    <E> Subscription subscribe(Class<E> eventClass, SubscriptionOptions options, EventHandler<E> handler);

    /**
     * Subscribes a handler to a type name, as the seed's {@code Subscribe(eventType, handler)}.
     * The payload is an instance of the class registered for that type, if there is one;
     * otherwise the JSON {@code data} as plain Java values ({@code Map}, {@code List},
     * {@code String}, {@code Number}, {@code Boolean}).
     *
     * @param eventType the type name
     * @param handler the handler
     * @return the subscription
     */
    default Subscription subscribe(String eventType, EventHandler<Object> handler) {
        return subscribe(eventType, SubscriptionOptions.defaults(), handler);
    }

    /**
     * Subscribes a named handler to a type name; see {@link #subscribe(String, EventHandler)}.
     *
     * @param eventType the type name
     * @param handlerName the handler name, unique per event type in this bus
     * @param handler the handler
     * @return the subscription
     */
    default Subscription subscribe(String eventType, String handlerName, EventHandler<Object> handler) {
        return subscribe(eventType, SubscriptionOptions.named(handlerName), handler);
    }

    /**
     * Subscribes a handler to a type name with options; see {@link #subscribe(String, EventHandler)}.
     *
     * @param eventType the type name
     * @param options the subscription's options
     * @param handler the handler
     * @return the subscription
     */
    Subscription subscribe(String eventType, SubscriptionOptions options, EventHandler<Object> handler);

    /**
     * Connects and makes every subscription live; returns once they are. Idempotent: calling it
     * on a running bus does nothing. A start that fails shuts the bus down before it throws:
     * what it had opened (connections, threads) is closed, the bus is
     * {@link BusState#TERMINATED}, and {@link #shutdown()} returns that shutdown's report.
     *
     * @throws IllegalStateException if the bus is shutting down or shut down, or the transport
     *     cannot start (the message names why)
     */
    void start();

    /**
     * Shuts down gracefully within the bus's configured shutdown timeout; see
     * {@link #shutdown(Duration)}.
     *
     * @return what was handled and parked
     */
    ShutdownReport shutdown();

    /**
     * Shuts down gracefully: stops taking new events, waits for publishes in flight, lets
     * handlers finish what they received, and at the deadline interrupts what still runs and
     * parks every unfinished event as a dead letter with reason
     * {@link DeadLetter.Reason#SHUTDOWN}. Nothing received is dropped. Idempotent: a second call
     * returns the first call's report (waiting for it if still running).
     *
     * <p>Writing dead letters gets at most 1 s past the deadline, all writes together (once the
     * store failed, Redis being down, no write starts later than 250 ms past it): a dead letter the store has not taken by then is written
     * to the log instead, whole, and counted in {@link ShutdownReport#deadLettersNotStored()}: the
     * writes add at most 1 s to {@code timeout}, plus the time the log takes to write those.
     *
     * <p>A handler of this bus cannot shut it down on its own thread, since the shutdown waits
     * for that very handler: from a handler, shut down on another thread, for example
     * {@code CompletableFuture.runAsync(bus::shutdown)}.
     *
     * @param timeout how long handlers may take to finish
     * @return what was handled and parked
     * @throws IllegalStateException if called on the thread of one of this bus's handlers
     *     before the bus has shut down
     */
    ShutdownReport shutdown(Duration timeout);

    /** Same as {@link #shutdown()}. */
    @Override
    default void close() {
        shutdown();
    }

    /**
     * The dead-letter queue of this bus; readable in every state.
     *
     * @return the dead-letter queue
     */
    DeadLetterQueue deadLetters();

    /**
     * Where the bus is in its lifecycle.
     *
     * @return the state
     */
    BusState state();

    /**
     * Whether the bus works now: running, and its transport connected and verified end to end.
     * Cheap and free of I/O (the values are the last ones observed), so it may be read often,
     * by probes and gauges.
     *
     * @return the verdict, with the transport's values
     */
    Health health();

    /**
     * Counters since the bus was built.
     *
     * @return a snapshot
     */
    BusStats stats();

    /**
     * Checks an event type name as every bus does on subscribing, registering and publishing
     * ({@link EventType#value()}), for tools that handle type names without a bus, such as one
     * that replays a dead letter.
     *
     * @param eventType the name, such as {@code "order.placed"}
     * @return the name
     * @throws IllegalArgumentException naming the type and the right form, if it is empty, longer
     *     than 200 characters, or holds white space or a control character; or saying it is
     *     reserved, if it begins with {@code herald.} (Herald's control traffic)
     */
    static String checkEventType(String eventType) {
        Objects.requireNonNull(eventType, "eventType");
        EventTypeRegistry.checkTypeName(eventType);
        return eventType;
    }
}
