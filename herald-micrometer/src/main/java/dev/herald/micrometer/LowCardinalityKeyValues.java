package dev.herald.micrometer;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * What a Herald context's low-cardinality key values are, as one {@link KeyValues}, while that is
 * known: Micrometer's {@code Observation.Context} keeps them in a map and makes a new, sorted
 * {@code KeyValues} of it at each {@code getLowCardinalityKeyValues()} (Micrometer's meter handler
 * asks at each start and stop). A convention's whole set of key values, added over a set known to
 * have no other keys, is what the map holds after it: that set is returned instead. Any other
 * change (one key value added or removed, by a handler or a filter) makes it unknown until the
 * next such set, and the map is read as before.
 *
 * <p>The context tells each change: {@link #changed()} after each single key value added or
 * removed, {@link #added} around a set. Thread-safe: a change from another thread while a set is
 * added leaves the key values unknown.
 */
final class LowCardinalityKeyValues {

    /** A set of key values, and the count of changes after which the map held exactly it. */
    private record Known(KeyValues keyValues, int changes) {
    }

    /** None yet: what a context starts with. */
    private static final Known NONE = new Known(KeyValues.empty(), 0);
    private static final VarHandle CHANGES;

    static {
        try {
            CHANGES = MethodHandles.lookup().findVarHandle(LowCardinalityKeyValues.class, "changes", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How many single key values were added or removed (a field, not an AtomicInteger: one object less per context). */
    private volatile int changes;
    private volatile Known known = NONE;

    /**
     * The key values, if known.
     *
     * @return what the context's map holds, or {@code null} to read the map
     */
    @Nullable KeyValues known() {
        Known k = known;
        return k.changes == changes ? k.keyValues : null;
    }

    /** One key value was added or removed, after the map changed. */
    void changed() {
        CHANGES.getAndAdd(this, 1);
    }

    /**
     * Before a set is added.
     *
     * @return the state to give {@link #added} once it was
     */
    Object adding() {
        return known;
    }

    /**
     * A set was added, each of its key values told to {@link #changed()}.
     *
     * @param before what {@link #adding()} returned
     * @param added the set
     */
    void added(Object before, KeyValues added) {
        Known k = (Known) before;
        int count = covering(added, k.keyValues);
        if (count >= 0 && changes == k.changes + count) {
            known = new Known(added, k.changes + count);
        }
    }

    /**
     * How many key values {@code set} has, if it has every key of {@code keys} (both sorted by
     * key, as {@link KeyValues} keeps them); -1 if it lacks one.
     */
    private static int covering(KeyValues set, KeyValues keys) {
        Iterator<KeyValue> wanted = keys.iterator();
        KeyValue next = wanted.hasNext() ? wanted.next() : null;
        int count = 0;
        for (KeyValue keyValue : set) {
            count++;
            if (next != null && next.getKey().equals(keyValue.getKey())) {
                next = wanted.hasNext() ? wanted.next() : null;
            }
        }
        return next == null ? count : -1;
    }
}
