package dev.herald.examples.orders;

import dev.herald.spring.HeraldListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Invoices each order placed, and fails for some: an order of more than {@link #CREDIT_LIMIT}
 * pieces, or of the item {@code poison}. Herald retries a failing call by the handler's policy
 * ({@code herald.handlers.invoicing.retry.*} in application.yaml), then puts the event in the
 * dead-letter queue with the reason; the confirmation of the same order is not affected.
 */
@Component
class InvoicingListener {

    /** The most pieces one order may have before invoicing refuses it. */
    static final int CREDIT_LIMIT = 100;

    private static final Logger log = LoggerFactory.getLogger(InvoicingListener.class);

    @HeraldListener(name = "invoicing")
    void invoice(OrderPlaced order) {
        if (order.quantity() > CREDIT_LIMIT) {
            throw new IllegalStateException("credit limit exceeded: " + order.quantity() + " x " + order.item()
                    + " (at most " + CREDIT_LIMIT + ")");
        }
        if (order.item().equals("poison")) {
            throw new IllegalArgumentException("cannot invoice item 'poison'");
        }
        log.info("Invoice issued for order {}", order.orderId());
    }
}
