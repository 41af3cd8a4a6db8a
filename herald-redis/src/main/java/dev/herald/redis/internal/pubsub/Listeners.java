package dev.herald.redis.internal.pubsub;

import dev.herald.spi.DeliveryListener;
import java.util.Arrays;

/**
 * The listeners of a channel as an array that is replaced, never written: the event loop hands
 * the array it read on with each message, without a copy or a lock.
 */
final class Listeners {

    static final DeliveryListener[] NONE = new DeliveryListener[0];

    private Listeners() {
    }

    static DeliveryListener[] with(DeliveryListener[] list, DeliveryListener listener) {
        DeliveryListener[] after = Arrays.copyOf(list, list.length + 1);
        after[list.length] = listener;
        return after;
    }

    static DeliveryListener[] without(DeliveryListener[] list, DeliveryListener listener) {
        return Arrays.stream(list).filter(l -> l != listener).toArray(DeliveryListener[]::new);
    }

    static boolean contains(DeliveryListener[] list, DeliveryListener listener) {
        for (DeliveryListener l : list) {
            if (l == listener) {
                return true;
            }
        }
        return false;
    }
}
