package dev.herald.memory;

import dev.herald.spi.BusObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Records every call a bus makes to its observer, in order, as values; sets the attributes it is
 * given on each publish, and runs an action of the test where it is told a handler run's scope opens.
 */
final class RecordingObserver implements BusObserver {

    /** A publish ended. */
    record PublishEnded(Publish publish, int sizeBytes, @Nullable Throwable failure) {
    }

    /** The scope of a handler run was opened, or closed, on a thread. */
    record ScopeOpened(HandlerRun run, Thread thread) {
    }

    record ScopeClosed(HandlerRun run, Thread thread) {
    }

    /** A handler run ended. */
    record HandlerEnded(HandlerRun run, HandlerOutcome outcome, @Nullable Throwable error) {
    }

    record Missed(String eventType, long count) {
    }

    /** Events told as missed arrived late. */
    record ArrivedLate(String eventType, long count) {
    }

    /** A dead letter told before was void. */
    record Voided(DeadLettered deadLetter) {
    }

    final ConcurrentLinkedQueue<Object> calls = new ConcurrentLinkedQueue<>();
    private final Map<String, String> attributesToSet;
    private final Consumer<HandlerRun> onOpen;
    private final Consumer<HandlerRun> onClose;

    RecordingObserver() {
        this(Map.of(), run -> { }, run -> { });
    }

    RecordingObserver(Map<String, String> attributesToSet, Consumer<HandlerRun> onOpen, Consumer<HandlerRun> onClose) {
        this.attributesToSet = attributesToSet;
        this.onOpen = onOpen;
        this.onClose = onClose;
    }

    /** The calls recorded of one kind, in order. */
    <T> List<T> all(Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Object call : calls) {
            if (kind.isInstance(call)) {
                out.add(kind.cast(call));
            }
        }
        return out;
    }

    @Override
    public PublishObservation publishStarted(Publish publish) {
        calls.add(publish);
        attributesToSet.forEach(publish.attributes()::set);
        return (size, failure) -> calls.add(new PublishEnded(publish, size, failure));
    }

    @Override
    public void received(Received received) {
        calls.add(received);
    }

    @Override
    public HandlerObservation handlerStarted(HandlerRun run) {
        calls.add(run);
        return new HandlerObservation() {
            @Override
            public Scope makeCurrent() {
                calls.add(new ScopeOpened(run, Thread.currentThread()));
                onOpen.accept(run);
                return () -> {
                    onClose.accept(run);
                    calls.add(new ScopeClosed(run, Thread.currentThread()));
                };
            }

            @Override
            public void end(HandlerOutcome outcome, @Nullable Throwable error) {
                calls.add(new HandlerEnded(run, outcome, error));
            }
        };
    }

    @Override
    public void retryScheduled(Retry retry) {
        calls.add(retry);
    }

    @Override
    public void deadLettered(DeadLettered deadLettered) {
        calls.add(deadLettered);
    }

    @Override
    public void deadLetterVoided(DeadLettered voided) {
        calls.add(new Voided(voided));
    }

    @Override
    public void missed(String eventType, long count) {
        calls.add(new Missed(eventType, count));
    }

    @Override
    public void arrivedLate(String eventType, long count) {
        calls.add(new ArrivedLate(eventType, count));
    }
}
