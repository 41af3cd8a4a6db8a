package dev.herald.spi;

import dev.herald.DeadLetter;
import dev.herald.DeadLetterStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where a bus keeps its dead letters: in memory, or the Redis stream {@code <prefix>:dlq}.
 * Thread-safe; bounded by a retention limit that each implementation documents. A store that
 * cannot reach its backend throws {@link dev.herald.DeadLetterStoreException} naming the endpoint
 * and the cause, never the client library's own exception type.
 */
public interface DeadLetterStore {

    /**
     * Stores a dead letter.
     *
     * @param deadLetter the dead letter; the store may give it another id
     * @return the dead letter as stored, with its final id
     */
    DeadLetter add(DeadLetter deadLetter);

    /**
     * Stores a dead letter, waiting and retrying at most {@code timeout}: a shutdown gives its
     * writes what is left of its deadline. By default the same as {@link #add(DeadLetter)}, for
     * stores that never wait.
     *
     * @param deadLetter the dead letter; the store may give it another id
     * @param timeout how long the store may take at most
     * @return the dead letter as stored, with its final id
     * @throws dev.herald.DeadLetterStoreException if it could not be stored in time
     */
    default DeadLetter add(DeadLetter deadLetter, Duration timeout) {
        return add(deadLetter);
    }

    /**
     * Stores several dead letters, all within {@code timeout}: a shutdown parks many at once, and a
     * store that can should write them in few round trips (Redis pipelines them). By default one
     * {@link #add(DeadLetter, Duration)} after the other, each with what is left of the timeout.
     *
     * @param deadLetters the dead letters; the store may give them other ids
     * @param timeout how long the store may take at most, for all of them
     * @return the dead letters as stored, in the same order; an element is {@code null} where that
     *     dead letter could not be stored in time
     * @throws DeadLetterStoreException (or another {@link RuntimeException} of the store) if none could be stored
     */
    default List<@Nullable DeadLetter> addAll(List<DeadLetter> deadLetters, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        return storeEach(deadLetters, letter -> add(letter, Duration.ofNanos(Math.max(0, end - System.nanoTime()))));
    }

    /**
     * For implementations of {@link #addAll(List, Duration)}: stores each item on its own, a
     * failure of one (any {@link RuntimeException}) leaving {@code null} in its place and not
     * touching the others, already stored or not.
     *
     * @param items what to store, one after the other
     * @param store stores one item and returns its dead letter as stored
     * @param <T> what is stored: dead letters, or a batch's answers
     * @return for each item, in order, its dead letter as stored, or {@code null} where it failed
     * @throws RuntimeException the last failure, if every item failed
     */
    static <T> List<@Nullable DeadLetter> storeEach(List<T> items, Function<T, DeadLetter> store) {
        List<@Nullable DeadLetter> stored = new ArrayList<>(items.size());
        RuntimeException failure = null;
        boolean any = false;
        for (T item : items) {
            try {
                stored.add(store.apply(item));
                any = true;
            } catch (RuntimeException e) {
                failure = e;
                stored.add(null);
            }
        }
        if (failure != null && !any) {
            throw failure;
        }
        return stored;
    }

    /**
     * The oldest first.
     *
     * @param limit at most this many, at least 1
     * @return the dead letters
     */
    List<DeadLetter> list(int limit);

    /**
     * One dead letter.
     *
     * @param id its id
     * @return it, or empty
     */
    Optional<DeadLetter> get(String id);

    /**
     * Deletes one.
     *
     * @param id its id
     * @return whether it existed
     */
    boolean delete(String id);

    /**
     * The number kept.
     *
     * @return the count
     */
    long size();

    /**
     * Deletes all.
     *
     * @return how many were deleted
     */
    long purge();
}
