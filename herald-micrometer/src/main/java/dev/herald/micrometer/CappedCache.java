package dev.herald.micrometer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Values made once per key and kept, up to a number of keys: past it, a value of a new key is
 * made anew at each lookup and not kept, so that memory stays bounded whatever the keys. For the
 * key values of Herald's conventions, whose keys (systems, event types, handlers, error types)
 * are few. Thread-safe; two threads may make a key's value at once, and one of them is kept.
 *
 * @param <K> the key
 * @param <V> the value, immutable
 */
final class CappedCache<K, V> {

    private final ConcurrentHashMap<K, V> values = new ConcurrentHashMap<>();
    private final int cap;
    /** Rises at each {@link #forget}: a value made before it may be the one forgotten, and is not kept. */
    private final AtomicInteger forgets = new AtomicInteger();

    /**
     * A cache that keeps at most {@code cap} values.
     *
     * @param cap how many keys are kept at most, at least 1
     */
    CappedCache(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1 but was " + cap);
        }
        this.cap = cap;
    }

    /**
     * The key's value: the one kept, else one made now (and kept if there is room).
     *
     * @param key the key
     * @param make makes the value of a key; best a lambda without captures, so that a lookup allocates nothing
     * @return the value
     */
    V get(K key, Function<? super K, ? extends V> make) {
        return get(key, make, (function, k) -> function.apply(k));
    }

    /**
     * The key's value: the one kept, else one made now (and kept if there is room).
     *
     * @param key the key
     * @param argument what {@code make} needs besides the key
     * @param make makes the value of a key from the argument and the key; best a lambda without
     *     captures, so that a lookup allocates nothing
     * @param <A> the argument's type
     * @return the value
     */
    <A> V get(K key, A argument, BiFunction<? super A, ? super K, ? extends V> make) {
        V value = values.get(key);
        if (value != null) {
            return value;
        }
        int forgetsBefore = forgets.get();
        value = make.apply(argument, key);
        if (values.size() < cap) {
            V raced = values.putIfAbsent(key, value);
            if (raced != null) {
                return raced;
            }
            if (forgets.get() != forgetsBefore) {
                values.remove(key, value); // perhaps forgotten while it was made: made again next time
            }
        }
        return value;
    }

    /**
     * Forgets a value wherever it is kept (the same instance), and any value being made and kept
     * meanwhile, which may be it: a later lookup of their keys makes them again.
     *
     * @param value the value
     */
    void forget(Object value) {
        forgets.incrementAndGet();
        values.values().removeIf(kept -> kept == value);
    }

    /** How many values are kept. */
    int size() {
        return values.size();
    }
}
