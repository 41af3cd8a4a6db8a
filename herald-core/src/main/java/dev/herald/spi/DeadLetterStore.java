package dev.herald.spi;

import dev.herald.DeadLetter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
