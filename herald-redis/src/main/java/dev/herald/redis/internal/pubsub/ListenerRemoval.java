package dev.herald.redis.internal.pubsub;

import dev.herald.spi.DeliveryListener;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Takes one listener off a channel, for both Pub/Sub transports: ends the channel's subscription
 * when the listener is its last, and removes the listener only once Redis answered. Redis answers
 * in order: once it confirms the unsubscription (or, while other listeners stay, answers a
 * command sent behind the messages), every message it pushed before has reached the intake with
 * this listener among its targets. The intake's reads are held meanwhile, so that the answer
 * comes even while a handler is stuck; it is waited for at most the given timeout, and not past
 * the connection's end. Holds the transport's subscription lock throughout; no state of its own.
 * Thread-safe.
 */
final class ListenerRemoval {

    /** One channel as a transport keeps it; called under the transport's lock. */
    interface Channel {

        DeliveryListener[] listeners();

        void listeners(DeliveryListener[] list);

        /** Where the channel is subscribed now; null if nowhere. */
        @Nullable Subscription subscription();

        /** Called before anything is sent when the listener going is the channel's last. */
        default void lastGoing() {
        }

        /** Called once the channel's last listener is gone. */
        default void lastGone() {
        }
    }

    /**
     * A channel's subscription on one connection.
     *
     * @param at the connection, for messages
     * @param open whether the connection is open
     * @param unsubscribe sends what ends the subscription; its future completes when Redis confirmed it
     * @param behind sends a command that Redis answers after every message it pushed before (a
     *     PING, or the subscription again); its future completes with that answer
     */
    record Subscription(Object at, BooleanSupplier open, Supplier<? extends Future<?>> unsubscribe,
            Supplier<? extends Future<?>> behind) {
    }

    private final ReentrantLock lock;
    private final SubscriberIntake intake;
    private final Duration timeout;
    /** The transport's, for what it says through this. */
    private final Logger log;

    /**
     * @param lock the transport's subscription lock
     * @param timeout how long Redis's answer is waited for at most
     */
    ListenerRemoval(ReentrantLock lock, SubscriberIntake intake, Duration timeout, Logger log) {
        this.lock = lock;
        this.intake = intake;
        this.timeout = timeout;
        this.log = log;
    }

    /** Takes {@code listener} off the channel named {@code name}; nothing if it is not one of its listeners. */
    void remove(String name, Channel channel, DeliveryListener listener) {
        lock.lock();
        try {
            DeliveryListener[] list = channel.listeners();
            if (!Listeners.contains(list, listener)) {
                return;
            }
            boolean last = list.length == 1;
            if (last) {
                channel.lastGoing();
            }
            Subscription s = channel.subscription();
            if (s != null && s.open().getAsBoolean()) {
                intake.holdReads(); // the answer must come even while a handler is stuck
                try {
                    Future<?> answer = last ? s.unsubscribe().get() : s.behind().get();
                    if (!Replies.await(answer, s.open(), timeout)) {
                        log.debug("No answer from {} to unsubscribing {}; the connection is down or slow", s.at(), name);
                    }
                } catch (RuntimeException | ExecutionException e) {
                    // a RedisException, or Lettuce misreading a reply on a RESP2 Pub/Sub connection
                    // (lettuce#2400: "No enum constant ...PubSubOutput.Type.pong"): either way the
                    // listener is removed below, and the connection closes with the transport
                    log.debug("Unsubscribing {} at {} failed; the subscription goes away anyway", name, s.at(), e);
                } finally {
                    intake.releaseReads();
                }
            }
            channel.listeners(Listeners.without(list, listener));
            if (last) {
                channel.lastGone();
            }
        } finally {
            lock.unlock();
        }
    }
}
