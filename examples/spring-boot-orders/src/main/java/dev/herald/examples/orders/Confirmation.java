package dev.herald.examples.orders;

import java.time.Instant;

/**
 * A confirmation sent for an order.
 *
 * @param orderId the order confirmed
 * @param email where it went
 * @param eventId the id of the {@code order.placed} event handled
 * @param placedAt when the order was placed (the event's time)
 */
public record Confirmation(String orderId, String email, String eventId, Instant placedAt) {
}
