package dev.herald.examples.orders;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The last {@link #CAPACITY} confirmations sent, by order id. Thread-safe. */
@Component
class Confirmations {

    static final int CAPACITY = 100;

    private final Map<String, Confirmation> byOrder = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Confirmation> eldest) {
            return size() > CAPACITY;
        }
    };

    synchronized void add(Confirmation confirmation) {
        byOrder.put(confirmation.orderId(), confirmation);
    }

    synchronized Optional<Confirmation> of(String orderId) {
        return Optional.ofNullable(byOrder.get(orderId));
    }

    /** Newest first. */
    synchronized List<Confirmation> latest() {
        List<Confirmation> all = new ArrayList<>(byOrder.values());
        Collections.reverse(all);
        return all;
    }
}
