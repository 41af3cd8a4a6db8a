package dev.herald.micrometer;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Herald context's key values, low and high cardinality, each kept as one {@link KeyValues}
 * instead of in the {@code ConcurrentHashMap}s of Micrometer's {@code Observation.Context}, which
 * puts each key value of a convention in a map at each start and stop and makes a new, sorted
 * {@code KeyValues} of the map at each read (Micrometer's meter handler reads at each stop). What is
 * read is what Micrometer's context would read after the same changes: a key value added replaces
 * the one of its key, a key removed is gone. A set that has every key already there (a convention's
 * whole set, at start and again at stop) becomes the key values as it is, without a copy.
 *
 * <p>Herald's contexts override each of {@code Observation.Context}'s methods that read or change
 * its key-value maps to use this instead ({@code ContextKeyValuesTest} fails when Micrometer adds
 * one they do not). Thread-safe: changes are serialized, reads see the last change.
 */
final class ContextKeyValues {

    private volatile KeyValues low = KeyValues.empty();
    private volatile KeyValues high = KeyValues.empty();

    KeyValues low() {
        return low;
    }

    KeyValues high() {
        return high;
    }

    synchronized void addLow(KeyValues added) {
        low = merged(low, added);
    }

    synchronized void addHigh(KeyValues added) {
        high = merged(high, added);
    }

    synchronized void removeLow(String... keys) {
        low = without(low, keys);
    }

    synchronized void removeHigh(String... keys) {
        high = without(high, keys);
    }

    /**
     * The key value of a key.
     *
     * @param keyValues where to look
     * @param key the key
     * @return its key value, or {@code null} if there is none
     */
    static @Nullable KeyValue find(KeyValues keyValues, String key) {
        for (KeyValue keyValue : keyValues) {
            if (keyValue.getKey().equals(key)) {
                return keyValue;
            }
        }
        return null;
    }

    /** {@code added} over {@code current}: {@code added} itself when it has every key of {@code current}. */
    private static KeyValues merged(KeyValues current, KeyValues added) {
        return hasEveryKey(added, current) ? added : current.and(added);
    }

    private static KeyValues without(KeyValues current, String... keys) {
        List<String> removed = List.of(keys);
        List<KeyValue> kept = new ArrayList<>();
        for (KeyValue keyValue : current) {
            if (!removed.contains(keyValue.getKey())) {
                kept.add(keyValue);
            }
        }
        return KeyValues.of(kept);
    }

    /** Whether {@code set} has every key of {@code keys} (both sorted by key, as {@link KeyValues} keeps them). */
    private static boolean hasEveryKey(KeyValues set, KeyValues keys) {
        Iterator<KeyValue> wanted = keys.iterator();
        KeyValue next = wanted.hasNext() ? wanted.next() : null;
        for (KeyValue keyValue : set) {
            if (next == null) {
                return true;
            }
            if (next.getKey().equals(keyValue.getKey())) {
                next = wanted.hasNext() ? wanted.next() : null;
            }
        }
        return next == null;
    }
}
