package dev.herald.spi;

/**
 * Receives a transport's messages for one subscription (one handler of one event type).
 */
@FunctionalInterface
public interface DeliveryListener {

    /**
     * Takes one message. May block while the handler's queue is full: that is backpressure,
     * and the transport must call from a thread where blocking is allowed (never a network I/O
     * event loop). Never throws for bad input: the bus turns it into a dead letter.
     *
     * @param delivery the message
     * @throws InterruptedException if the calling thread is interrupted while waiting for room
     */
    void onDelivery(Delivery delivery) throws InterruptedException;

    /**
     * Takes one message only if that needs no waiting; for transports that receive on a network
     * event loop, which must never block. A listener that cannot tell returns false, and the
     * transport hands the message over with {@link #onDelivery} from a thread that may wait.
     *
     * @param delivery the message
     * @return true if the listener took the message (it is then handled or dead-lettered)
     */
    default boolean offer(Delivery delivery) {
        return false;
    }
}
