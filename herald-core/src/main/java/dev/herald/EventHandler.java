package dev.herald;

/**
 * Handles one event type; registered with {@link EventBus#subscribe(Class, EventHandler)}.
 *
 * <pre>{@code
 * EventHandler<OrderPlaced> confirm = e -> mailer.confirm(e.payload().orderId());
 * }</pre>
 *
 * <p>Any exception thrown is a failure: the event is retried according to the subscription's
 * {@link RetryPolicy}, then becomes a {@link DeadLetter} with reason
 * {@link DeadLetter.Reason#HANDLER_FAILED}. Nothing a handler throws is logged and forgotten.
 *
 * <p>Threading: a handler runs on the subscription's own worker thread(s), never on a Redis
 * client I/O thread. With the default concurrency of 1 it is called by one thread at a time, in
 * order; with more it must be thread-safe. Delivery is at least once in durable modes, so
 * handlers should be idempotent. A handler should honour interruption: when a shutdown deadline
 * passes, its thread is interrupted and its event parked in the dead-letter queue.
 *
 * @param <E> the payload type
 */
@FunctionalInterface
public interface EventHandler<E> {

    /**
     * Handles one event.
     *
     * @param envelope the event and its attributes; never {@code null}
     * @throws Exception to signal failure (the event is retried, then dead-lettered)
     */
    void handle(Envelope<E> envelope) throws Exception;
}
