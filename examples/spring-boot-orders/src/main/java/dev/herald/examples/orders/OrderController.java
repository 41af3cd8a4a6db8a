package dev.herald.examples.orders;

import dev.herald.DeadLetter;
import dev.herald.EventBus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /orders} publishes an {@link OrderPlaced} event; {@code GET /orders/{id}} and
 * {@code GET /confirmations} show what the listeners made of it.
 */
@RestController
class OrderController {

    /** How many dead letters {@code GET /orders/{id}} looks through, oldest first. */
    private static final int DEAD_LETTERS_SEARCHED = 1000;

    private final EventBus bus;
    private final Confirmations confirmations;

    OrderController(EventBus bus, Confirmations confirmations) {
        this.bus = bus;
        this.confirmations = confirmations;
    }

    /** An order as posted; every field is required. */
    record OrderRequest(String item, Integer quantity, String email) {
    }

    /** The answer to a post: the order's id and the id of the event that carries it. */
    record Placed(String orderId, String eventId) {
    }

    /** What became of an order: its confirmation, and its event's dead letters, if any. */
    record OrderStatus(String orderId, Confirmation confirmation, List<DeadLetterView> deadLetters) {
    }

    /** A dead letter, without its raw message and stack trace. */
    record DeadLetterView(String id, String handler, DeadLetter.Reason reason, int attempts, String error,
            Instant lastFailure) {
    }

    @PostMapping("/orders")
    CompletableFuture<ResponseEntity<Placed>> place(@RequestBody OrderRequest request) {
        OrderPlaced order = new OrderPlaced(UUID.randomUUID().toString().substring(0, 8), required("item", request.item()),
                quantity(request.quantity()), email(request.email()));
        // completes once Redis has accepted the event; the listeners run after, on their own threads
        return bus.publish(order)
                .thenApply(event -> ResponseEntity.accepted().body(new Placed(order.orderId(), event.id())))
                .exceptionally(e -> {
                    throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "not published: " + e.getMessage(), e);
                });
    }

    @GetMapping("/orders/{orderId}")
    OrderStatus order(@PathVariable String orderId) {
        Confirmation confirmation = confirmations.of(orderId).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "no confirmation for order " + orderId + " (yet)"));
        List<DeadLetterView> deadLetters = bus.deadLetters().list(DEAD_LETTERS_SEARCHED).stream()
                .filter(d -> confirmation.eventId().equals(d.eventId()))
                .map(d -> new DeadLetterView(d.id(), String.valueOf(d.handler()), d.reason(), d.attempts(), d.error(),
                        d.lastFailure()))
                .toList();
        return new OrderStatus(orderId, confirmation, deadLetters);
    }

    @GetMapping("/confirmations")
    List<Confirmation> confirmations() {
        return confirmations.latest();
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, field + " is required");
        }
        return value;
    }

    private static int quantity(Integer quantity) {
        if (quantity == null || quantity < 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "quantity must be at least 1, not " + quantity);
        }
        return quantity;
    }

    private static String email(String email) {
        if (!required("email", email).contains("@")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "email must contain @, not " + email);
        }
        return email;
    }
}
