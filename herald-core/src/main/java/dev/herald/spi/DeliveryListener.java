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
}
