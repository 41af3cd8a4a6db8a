package dev.herald.internal.dispatch;

import dev.herald.Subscription;
import dev.herald.spi.Delivery;
import dev.herald.spi.DeliveryListener;
import dev.herald.spi.Transport;
import dev.herald.spi.TransportSubscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** A handler subscribed to a bus: its lanes, its pipeline and its transport subscription. */
public final class ActiveSubscription implements Subscription {

    private final String eventType;
    private final String handlerName;
    private final HandlerWorkers lanes;
    private final HandlerAccount account;
    private final Consumer<ActiveSubscription> onCancel;
    private volatile @Nullable TransportSubscription transportSubscription;
    private volatile boolean active = true;
    /** Guards {@link #started}; a lock, not a monitor: connecting waits for the transport (Redis). */
    private final ReentrantLock startLock = new ReentrantLock();
    private boolean started;

    /** @param lanes the handler's workers, whose pipeline has the handler's account */
    public ActiveSubscription(HandlerWorkers lanes, Consumer<ActiveSubscription> onCancel) {
        this.account = lanes.account();
        this.eventType = account.eventType();
        this.handlerName = account.handlerName();
        this.lanes = lanes;
        this.onCancel = onCancel;
    }

    /** Starts the workers and subscribes to the transport; returns once live. */
    public void connect(Transport transport) {
        startLock.lock();
        try {
            if (!active || started) {
                return;
            }
            started = true;
            lanes.start();
            transportSubscription = transport.subscribe(eventType, handlerName, listener());
        } finally {
            startLock.unlock();
        }
    }

    private DeliveryListener listener() {
        return new DeliveryListener() {
            @Override
            public void onDelivery(Delivery delivery) throws InterruptedException {
                account.received(delivery.body().length);
                lanes.submit(new HandlerTask(delivery, null));
            }

            @Override
            public boolean offer(Delivery delivery) {
                if (!lanes.tryOffer(new HandlerTask(delivery, null))) {
                    return false;
                }
                account.received(delivery.body().length);
                return true;
            }
        };
    }

    public CompletableFuture<Void> replay(byte[] raw) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        account.received(raw.length);
        try {
            lanes.submit(new HandlerTask(Delivery.of(raw), done));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Stops intake: the transport takes no more, and what it still hands over is parked. */
    void stopIntake() {
        stopTransport();
        stopLanes();
    }

    /** The transport takes no more messages for this handler (it may still hand over what it has). */
    public void stopTransport() {
        active = false;
        TransportSubscription ts = transportSubscription;
        if (ts != null) {
            ts.cancel();
        }
    }

    /** The handler's queue takes no more: whatever is still handed over is parked. */
    public void stopLanes() {
        lanes.stopIntake();
    }

    public boolean awaitDrained(long deadlineNanos) throws InterruptedException {
        startLock.lock();
        try {
            if (!started) {
                return true;
            }
        } finally {
            startLock.unlock();
        }
        return lanes.awaitDrained(deadlineNanos);
    }

    /** Whether the thread is one of this handler's workers. */
    public boolean runsOn(Thread thread) {
        return lanes.isWorker(thread);
    }

    public void parkRemaining() {
        lanes.parkRemaining();
    }

    @Override
    public String eventType() {
        return eventType;
    }

    @Override
    public String handlerName() {
        return handlerName;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void cancel() {
        if (active) {
            stopIntake();
            onCancel.accept(this);
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + eventType + " -> " + handlerName + (active ? "" : ", cancelled") + "]";
    }
}
