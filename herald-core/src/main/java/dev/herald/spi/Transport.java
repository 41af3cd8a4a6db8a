package dev.herald.spi;

import dev.herald.TransportHealth;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Moves raw messages between a bus and its peers: the part of an event bus that differs between
 * in-memory, Redis Pub/Sub and Redis Streams.
 *
 * <p>Lifecycle: {@link #start()} once, then any number of {@link #publish} and
 * {@link #subscribe} calls from any thread, then {@link #close(Duration)} once. The bus closes a
 * transport also when {@link #start()} threw, or was never called (a bus shut down before it
 * started): {@code close} then releases whatever construction and the partial start took.
 * Implementations are thread-safe.
 */
public interface Transport {

    /**
     * What this transport promises.
     *
     * @return its features
     */
    TransportFeatures features();

    /**
     * What the transport is, as OpenTelemetry's {@code messaging.system} names it: the bus tells
     * its {@link BusObserver} this name with each publish and handler run, and observers tag their
     * metrics and spans with it. Herald's transports say {@code herald-memory} (in one JVM) and
     * {@code redis} (Pub/Sub and Streams alike); a transport over a system OpenTelemetry names
     * should use that name ({@code kafka}, {@code rabbitmq}, {@code aws_sqs}...).
     *
     * @return a short lower-case name; by default {@code herald}
     */
    default String messagingSystem() {
        return "herald";
    }

    /**
     * Per event type, the events published that this transport's subscriber never received and
     * knows it missed (Redis Pub/Sub counts them from the publishers' sequence numbers): in
     * {@link dev.herald.BusStats#missedByType()}, net of those that arrived late after all. A
     * transport that counts them tells {@link BusSettings#observer()} of each with
     * {@link BusObserver#missed}, where it counts them, and of each late arrival it takes off with
     * {@link BusObserver#arrivedLate}: the bus's counts that only rise come from these calls.
     *
     * @return a snapshot; empty by default, for transports that cannot miss events or cannot tell
     */
    default Map<String, Long> missedByType() {
        return Map.of();
    }

    /**
     * Connects. The bus calls it once, before any {@link #subscribe}.
     *
     * @throws IllegalStateException with a message naming the endpoint and the cause if it cannot
     */
    void start();

    /**
     * Sends one message to every subscriber of a topic.
     *
     * @param eventType the topic: the event type name
     * @param message the encoded event; not modified, and not to be modified by the caller afterwards
     * @return completes when the transport has accepted the message, or fails
     */
    CompletableFuture<Void> publish(String eventType, byte[] message);

    /**
     * Subscribes a listener to a topic; called only on a started transport. Returns once the
     * subscription is live: a message published afterwards reaches the listener.
     *
     * @param eventType the topic: the event type name
     * @param group the handler's group: in transports with consumer groups, listeners with the
     *     same group across instances share the messages
     * @param listener receives the messages
     * @return the subscription
     */
    TransportSubscription subscribe(String eventType, String group, DeliveryListener listener);

    /**
     * Waits until the messages this transport has received so far were handed to their
     * listeners; the bus calls it on shutdown after cancelling its subscriptions, so that work
     * received before the shutdown is handled rather than parked. Transports that deliver
     * synchronously need not override it.
     *
     * @param timeout how long to wait at most
     * @throws InterruptedException if interrupted while waiting
     */
    default void awaitDelivered(Duration timeout) throws InterruptedException {
    }

    /**
     * Whether the transport works now, end to end, with the values behind the verdict. Called
     * from any thread, also before {@link #start()} and after {@link #close(Duration)} (the bus
     * then reports itself down but still shows these values); it must not block nor do I/O:
     * return what the transport's own loops last observed.
     *
     * @return the verdict; by default up, with no values
     */
    default TransportHealth health() {
        return new TransportHealth.Basic(true, toString());
    }

    /**
     * Flushes what is being published and disconnects. Called after every subscription has been
     * cancelled.
     *
     * @param timeout how long to wait for in-flight publishes
     */
    void close(Duration timeout);
}
