package dev.herald;

import dev.herald.internal.codec.EventTypeRegistry;
import org.jspecify.annotations.Nullable;

/**
 * A domain event: something that happened in the business, named in the past tense.
 *
 * <p>Implementing this interface is optional (any class with {@link EventType @EventType} can be
 * published) but gives two hooks with sensible defaults:
 * <ul>
 *   <li>{@link #eventType()}: the wire type name, by default the class's {@code @EventType};</li>
 *   <li>{@link #aggregateId()}: the id of the aggregate the event is about, sent as the
 *       CloudEvents {@code subject} and used to keep per-aggregate order when a handler runs
 *       concurrently.</li>
 * </ul>
 *
 * <pre>{@code
 * @EventType("order.placed")
 * record OrderPlaced(String orderId, long cents) implements DomainEvent {
 *     public String aggregateId() { return orderId; }
 * }
 * }</pre>
 *
 * <p>Implementations should be immutable; Herald reads them from other threads.
 */
public interface DomainEvent {

    /**
     * The CloudEvents {@code type} of this event.
     *
     * @return the type name; by default the value of the class's {@link EventType} annotation
     * @throws IllegalArgumentException if the class has no {@code @EventType} and this method is
     *     not overridden
     */
    default String eventType() {
        return EventTypeRegistry.annotatedTypeOf(getClass());
    }

    /**
     * The id of the aggregate this event is about, sent as the CloudEvents {@code subject}.
     *
     * @return the aggregate id, or {@code null} (the default) when the event has none
     */
    default @Nullable String aggregateId() {
        return null;
    }
}
