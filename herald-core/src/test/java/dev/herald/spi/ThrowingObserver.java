package dev.herald.spi;

import org.jspecify.annotations.Nullable;

/** For tests: throws from every method, and from every observation and scope it returns. */
public final class ThrowingObserver implements BusObserver {

    @Override
    public PublishObservation publishStarted(Publish publish) {
        return (size, failure) -> {
            throw new IllegalStateException("test: publish end");
        };
    }

    @Override
    public void received(Received received) {
        throw new IllegalStateException("test: received");
    }

    @Override
    public HandlerObservation handlerStarted(HandlerRun run) {
        return new HandlerObservation() {
            @Override
            public Scope makeCurrent() {
                return () -> {
                    throw new IllegalStateException("test: close");
                };
            }

            @Override
            public void end(HandlerOutcome outcome, @Nullable Throwable error) {
                throw new IllegalStateException("test: end");
            }
        };
    }

    @Override
    public void retryScheduled(Retry retry) {
        throw new IllegalStateException("test: retry");
    }

    @Override
    public void deadLettered(DeadLettered deadLettered) {
        throw new IllegalStateException("test: dead letter");
    }

    @Override
    public void missed(String eventType, long count) {
        throw new IllegalStateException("test: missed");
    }

    @Override
    public void arrivedLate(String eventType, long count) {
        throw new IllegalStateException("test: arrived late");
    }

    @Override
    public String toString() {
        return "throwing observer";
    }
}
