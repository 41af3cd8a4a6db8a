package dev.herald.internal.deadletter;

import dev.herald.BusState;
import dev.herald.DeadLetter;
import dev.herald.DeadLetterQueue;
import dev.herald.internal.dispatch.ActiveSubscription;
import dev.herald.spi.DeadLetterStore;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A bus's dead-letter queue: its store, plus replay through the bus's subscriptions. */
public final class BusDeadLetterQueue implements DeadLetterQueue {

    private final DeadLetterStore store;
    private final BiFunction<@Nullable String, String, Optional<ActiveSubscription>> subscriptions;
    private final Supplier<BusState> state;

    public BusDeadLetterQueue(DeadLetterStore store,
            BiFunction<@Nullable String, String, Optional<ActiveSubscription>> subscriptions, Supplier<BusState> state) {
        this.store = store;
        this.subscriptions = subscriptions;
        this.state = state;
    }

    @Override
    public List<DeadLetter> list(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 but was " + limit);
        }
        return store.list(limit);
    }

    @Override
    public Optional<DeadLetter> get(String id) {
        return store.get(Objects.requireNonNull(id, "id"));
    }

    @Override
    public CompletableFuture<Void> replay(String id) {
        Objects.requireNonNull(id, "id");
        Optional<DeadLetter> found = store.get(id);
        if (found.isEmpty()) {
            return CompletableFuture.failedFuture(new NoSuchElementException("no dead letter with id '" + id + "'"));
        }
        DeadLetter letter = found.get();
        if (letter.truncated()) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot replay dead letter " + id
                    + ": it keeps only the first " + letter.rawMessage().length + " of the message's "
                    + letter.rawMessageLength() + " bytes (" + letter.reason() + "); delete it"));
        }
        if (state.get() != BusState.RUNNING) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "cannot replay dead letter " + id + ": the bus is " + state.get().name().toLowerCase() + ", not running"));
        }
        String handler = letter.handler();
        Optional<ActiveSubscription> target = handler == null ? Optional.empty()
                : subscriptions.apply(letter.eventType(), handler);
        if (target.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("cannot replay dead letter " + id
                    + ": no handler named '" + handler + "' is subscribed to '" + letter.eventType() + "' on this bus"));
        }
        return target.get().replay(letter.rawMessage()).thenRun(() -> store.delete(id));
    }

    @Override
    public boolean delete(String id) {
        return store.delete(Objects.requireNonNull(id, "id"));
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public long purge() {
        return store.purge();
    }
}
