package dev.herald.testkit;

import dev.herald.DomainEvent;
import dev.herald.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The event classes the conformance suite publishes. */
public final class ConformanceEvents {

    private ConformanceEvents() {
    }

    /**
     * An order was placed.
     *
     * @param orderId the aggregate id
     * @param cents the amount
     */
    @EventType("conformance.order-placed")
    public record OrderPlaced(String orderId, long cents) implements DomainEvent {
        @Override
        public String aggregateId() {
            return orderId;
        }
    }

    /**
     * A numbered event for order and loss checks.
     *
     * @param publisher which publisher sent it
     * @param seq its number within that publisher
     * @param subject the aggregate it belongs to, or {@code null}
     */
    @EventType("conformance.numbered")
    public record Numbered(int publisher, long seq, @Nullable String subject) implements DomainEvent {
        @Override
        public @Nullable String aggregateId() {
            return subject;
        }
    }

    /**
     * A payment was taken; a second type, for isolation tests.
     *
     * @param paymentId the payment
     * @param amount the amount
     * @param at when
     * @param tags some tags
     */
    @EventType("conformance.payment-taken")
    public record PaymentTaken(String paymentId, BigDecimal amount, Instant at, List<String> tags) implements DomainEvent {
    }

    /**
     * One of two classes that claim one type name: the second one a bus sees must be refused.
     *
     * @param n a number
     */
    @EventType("conformance.claimed")
    public record ClaimsAName(int n) {
    }

    /**
     * The other class claiming {@link ClaimsAName}'s type name.
     *
     * @param s a text
     */
    @EventType("conformance.claimed")
    public record ClaimsTheSameName(String s) {
    }

    /** A class without {@code @EventType}: publishing or subscribing it must fail clearly. */
    public record Unnamed(String value) {
    }
}
