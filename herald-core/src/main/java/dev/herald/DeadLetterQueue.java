package dev.herald;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The events a bus could not handle: list them, look at one, hand one to its handler again, or
 * delete them. Obtained with {@link EventBus#deadLetters()}.
 *
 * <pre>{@code
 * for (DeadLetter d : bus.deadLetters().list(100)) {
 *     log.warn("{} {} failed in {}: {}", d.eventType(), d.eventId(), d.handler(), d.error());
 * }
 * bus.deadLetters().replay(id).join();   // handled now: the dead letter is gone
 * }</pre>
 *
 * <p>Thread-safe. Reading and deleting work in every state of the bus, also after shutdown;
 * {@link #replay(String)} needs a running bus with that handler subscribed. The store is bounded
 * (each transport documents its retention): the oldest dead letters go first. When the store
 * cannot be reached (Redis down), every method fails with a {@link DeadLetterStoreException}
 * naming the endpoint and the cause.
 */
public interface DeadLetterQueue {

    /**
     * The oldest dead letters first.
     *
     * @param limit at most this many, at least 1
     * @return up to {@code limit} dead letters, oldest first
     */
    List<DeadLetter> list(int limit);

    /**
     * One dead letter.
     *
     * @param id its id
     * @return it, or empty if there is none with that id
     */
    Optional<DeadLetter> get(String id);

    /**
     * Hands a dead letter's raw message to its handler again (decoding it anew), with the
     * handler's retry policy. When the handler completes, the dead letter is deleted and the
     * future completes; otherwise the future fails with the cause and the dead letter stays.
     *
     * @param id the dead letter's id
     * @return completes when handled; fails with {@link java.util.NoSuchElementException} if there
     *     is no such dead letter, {@link IllegalStateException} if the bus is not running, its
     *     handler is not subscribed here or the dead letter keeps only the first bytes of its
     *     message ({@link DeadLetter#truncated()}), or the handler's or decoder's error
     */
    CompletableFuture<Void> replay(String id);

    /**
     * Deletes one dead letter.
     *
     * @param id its id
     * @return whether it existed
     */
    boolean delete(String id);

    /**
     * How many dead letters are kept.
     *
     * @return the count
     */
    long size();

    /**
     * Deletes every dead letter.
     *
     * @return how many were deleted
     */
    long purge();
}
