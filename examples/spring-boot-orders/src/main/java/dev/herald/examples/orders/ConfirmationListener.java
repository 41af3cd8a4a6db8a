package dev.herald.examples.orders;

import dev.herald.Envelope;
import dev.herald.spring.HeraldListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Sends the confirmation of each order placed: here it logs it and keeps it in {@link Confirmations}. */
@Component
class ConfirmationListener {

    private static final Logger log = LoggerFactory.getLogger(ConfirmationListener.class);

    private final Confirmations confirmations;

    ConfirmationListener(Confirmations confirmations) {
        this.confirmations = confirmations;
    }

    /** The whole envelope, for the event's id and time; {@code (OrderPlaced order)} would do too. */
    @HeraldListener(name = "send-confirmation")
    void sendConfirmation(Envelope<OrderPlaced> event) {
        OrderPlaced order = event.payload();
        log.info("Confirmation sent to {}: order {}, {} x {} (event {})",
                order.email(), order.orderId(), order.quantity(), order.item(), event.id());
        confirmations.add(new Confirmation(order.orderId(), order.email(), event.id(), event.time()));
    }
}
