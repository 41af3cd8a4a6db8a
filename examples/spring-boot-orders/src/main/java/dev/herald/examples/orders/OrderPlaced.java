package dev.herald.examples.orders;

import dev.herald.DomainEvent;
import dev.herald.EventType;

/**
 * An order was placed: the event this application publishes and handles, named {@code order.placed}
 * on the wire.
 *
 * @param orderId the order's id, also the event's subject
 * @param item what was ordered
 * @param quantity how many
 * @param email where the confirmation goes
 */
@EventType("order.placed")
public record OrderPlaced(String orderId, String item, int quantity, String email) implements DomainEvent {

    @Override
    public String aggregateId() {
        return orderId;
    }
}
