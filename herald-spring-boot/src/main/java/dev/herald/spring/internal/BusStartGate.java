package dev.herald.spring.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * Holds back what must wait for the application's bus to start: Spring Modulith resubmits the
 * publications left incomplete by an earlier run
 * ({@code spring.modulith.events.republish-outstanding-events-on-restart}) while the context's
 * singletons are made, before any lifecycle has started, so their publishes wait here until the
 * bus runs. Opens in the phase just after {@link BusLifecycle#PHASE}, the bus's. What waits when
 * the context fails to start is never run; its publication stays incomplete. Thread-safe.
 */
public final class BusStartGate implements SmartLifecycle {

    private final CompletableFuture<Void> open = new CompletableFuture<>();
    private volatile boolean running;

    /** A closed gate. */
    public BusStartGate() {
    }

    /**
     * Runs an action now if the gate is open, else once it opens (on the thread that opens it).
     *
     * @param action the action, such as a publish
     * @param <T> what its future gives
     * @return the action's future
     */
    public <T> CompletableFuture<T> afterStart(Supplier<CompletableFuture<T>> action) {
        return open.thenCompose(ignored -> action.get());
    }

    @Override
    public void start() {
        running = true;
        open.complete(null);
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return BusLifecycle.PHASE + 1;
    }
}
