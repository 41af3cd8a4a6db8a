package dev.herald.spi;

import dev.herald.spi.BusObserver.DeadLettered;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Publish;
import dev.herald.spi.BusObserver.PublishObservation;
import dev.herald.spi.BusObserver.Received;
import dev.herald.spi.BusObserver.Retry;
import dev.herald.spi.BusObserver.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers a bus is given: the no-op one, composites, and the guard around each observer
 * that keeps what it throws from reaching the bus. Thread-safe.
 */
final class Observers {

    private static final Logger log = LoggerFactory.getLogger(BusObserver.class);

    /** Observes nothing. */
    static final BusObserver NOOP = new BusObserver() {
        @Override
        public String toString() {
            return "BusObserver.noop()";
        }
    };

    private Observers() {
    }

    /**
     * One observer for several: nested composites flattened, no-op ones left out; none gives
     * {@link #NOOP}, one gives that one.
     */
    static BusObserver composite(List<? extends BusObserver> observers) {
        Objects.requireNonNull(observers, "observers");
        List<BusObserver> all = new ArrayList<>(observers.size());
        for (int i = 0; i < observers.size(); i++) {
            BusObserver o = observers.get(i);
            if (o == null) {
                throw new NullPointerException("observer " + i + " of " + observers.size() + " given to BusObserver.composite is null");
            }
            if (o instanceof Composite c) {
                for (Guarded g : c.observers) {
                    all.add(g.observer);
                }
            } else if (o != NOOP) {
                all.add(o instanceof Guarded g ? g.observer : o);
            }
        }
        if (all.size() <= 1) {
            return all.isEmpty() ? NOOP : all.get(0);
        }
        Guarded[] guarded = new Guarded[all.size()];
        for (int i = 0; i < guarded.length; i++) {
            guarded[i] = new Guarded(all.get(i));
        }
        return new Composite(guarded);
    }

    /**
     * The observer with each call guarded: what it throws is logged and goes no further. A
     * composite guards each of its observers already, and is returned as it is.
     */
    static BusObserver guarded(BusObserver observer) {
        Objects.requireNonNull(observer, "observer");
        return observer == NOOP || observer instanceof Guarded || observer instanceof Composite ? observer : new Guarded(observer);
    }

    /** The calls of {@link BusObserver}, for saying which one failed; each one's bit in {@link Guarded#warned}. */
    private enum Call {
        PUBLISH_STARTED("publishStarted"), PUBLISH_END("PublishObservation.end"), RECEIVED("received"),
        HANDLER_STARTED("handlerStarted"), MAKE_CURRENT("HandlerObservation.makeCurrent"), CLOSE("Scope.close"),
        HANDLER_END("HandlerObservation.end"), RETRY_SCHEDULED("retryScheduled"), DEAD_LETTERED("deadLettered"),
        DEAD_LETTER_VOIDED("deadLetterVoided"), MISSED("missed"), ARRIVED_LATE("arrivedLate");

        final String method;

        Call(String method) {
            this.method = method;
        }
    }

    /**
     * One observer whose every call is guarded. What a call throws is logged at WARN the first
     * time for each method, then at DEBUG, so that a broken observer cannot flood the log; an
     * {@link Error} that leaves the JVM in doubt ({@link OutOfMemoryError}, say: any
     * {@link VirtualMachineError} but {@link StackOverflowError}) goes on.
     */
    private static final class Guarded implements BusObserver {

        private final BusObserver observer;
        /** The calls that have failed and were logged at WARN, one bit each. */
        private final AtomicInteger warned = new AtomicInteger();

        Guarded(BusObserver observer) {
            this.observer = observer;
        }

        private void failed(Call call, Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t;
            }
            int bit = 1 << call.ordinal();
            if ((warned.getAndUpdate(w -> w | bit) & bit) == 0) {
                log.warn("Observer {} failed in {}; ignored, the event goes on (further failures of {} are logged at DEBUG)",
                        observer, call.method, call.method, t);
            } else {
                log.debug("Observer {} failed in {}; ignored", observer, call.method, t);
            }
        }

        @Override
        public PublishObservation publishStarted(Publish publish) {
            PublishObservation o;
            try {
                o = observer.publishStarted(publish);
            } catch (Throwable t) {
                failed(Call.PUBLISH_STARTED, t);
                return PublishObservation.NONE;
            }
            if (o == null || o == PublishObservation.NONE) {
                return PublishObservation.NONE;
            }
            return (size, failure) -> {
                try {
                    o.end(size, failure);
                } catch (Throwable t) {
                    failed(Call.PUBLISH_END, t);
                }
            };
        }

        @Override
        public void received(Received received) {
            try {
                observer.received(received);
            } catch (Throwable t) {
                failed(Call.RECEIVED, t);
            }
        }

        @Override
        public HandlerObservation handlerStarted(HandlerRun run) {
            HandlerObservation o;
            try {
                o = observer.handlerStarted(run);
            } catch (Throwable t) {
                failed(Call.HANDLER_STARTED, t);
                return HandlerObservation.NONE;
            }
            if (o == null || o == HandlerObservation.NONE) {
                return HandlerObservation.NONE;
            }
            return new HandlerObservation() {
                @Override
                public Scope makeCurrent() {
                    Scope scope;
                    try {
                        scope = o.makeCurrent();
                    } catch (Throwable t) {
                        failed(Call.MAKE_CURRENT, t);
                        return Scope.NONE;
                    }
                    if (scope == null || scope == Scope.NONE) {
                        return Scope.NONE;
                    }
                    return () -> {
                        try {
                            scope.close();
                        } catch (Throwable t) {
                            failed(Call.CLOSE, t);
                        }
                    };
                }

                @Override
                public void end(HandlerOutcome outcome, @Nullable Throwable error) {
                    try {
                        o.end(outcome, error);
                    } catch (Throwable t) {
                        failed(Call.HANDLER_END, t);
                    }
                }
            };
        }

        @Override
        public void retryScheduled(Retry retry) {
            try {
                observer.retryScheduled(retry);
            } catch (Throwable t) {
                failed(Call.RETRY_SCHEDULED, t);
            }
        }

        @Override
        public void deadLettered(DeadLettered deadLettered) {
            try {
                observer.deadLettered(deadLettered);
            } catch (Throwable t) {
                failed(Call.DEAD_LETTERED, t);
            }
        }

        @Override
        public void deadLetterVoided(DeadLettered voided) {
            try {
                observer.deadLetterVoided(voided);
            } catch (Throwable t) {
                failed(Call.DEAD_LETTER_VOIDED, t);
            }
        }

        @Override
        public void missed(String eventType, long count) {
            try {
                observer.missed(eventType, count);
            } catch (Throwable t) {
                failed(Call.MISSED, t);
            }
        }

        @Override
        public void arrivedLate(String eventType, long count) {
            try {
                observer.arrivedLate(eventType, count);
            } catch (Throwable t) {
                failed(Call.ARRIVED_LATE, t);
            }
        }

        @Override
        public String toString() {
            return observer.toString();
        }
    }

    /** Several observers, each guarded, called in order; scopes closed in reverse. */
    private static final class Composite implements BusObserver {

        private final Guarded[] observers;

        Composite(Guarded[] observers) {
            this.observers = observers;
        }

        @Override
        public PublishObservation publishStarted(Publish publish) {
            PublishObservation[] started = new PublishObservation[observers.length];
            for (int i = 0; i < observers.length; i++) {
                started[i] = observers[i].publishStarted(publish);
            }
            return (size, failure) -> {
                for (PublishObservation o : started) {
                    o.end(size, failure);
                }
            };
        }

        @Override
        public void received(Received received) {
            for (Guarded o : observers) {
                o.received(received);
            }
        }

        @Override
        public HandlerObservation handlerStarted(HandlerRun run) {
            HandlerObservation[] started = new HandlerObservation[observers.length];
            for (int i = 0; i < observers.length; i++) {
                started[i] = observers[i].handlerStarted(run);
            }
            return new HandlerObservation() {
                @Override
                public Scope makeCurrent() {
                    Scope[] scopes = new Scope[started.length];
                    for (int i = 0; i < started.length; i++) {
                        scopes[i] = started[i].makeCurrent();
                    }
                    return () -> {
                        for (int i = scopes.length - 1; i >= 0; i--) {
                            scopes[i].close();
                        }
                    };
                }

                @Override
                public void end(HandlerOutcome outcome, @Nullable Throwable error) {
                    for (HandlerObservation o : started) {
                        o.end(outcome, error);
                    }
                }
            };
        }

        @Override
        public void retryScheduled(Retry retry) {
            for (Guarded o : observers) {
                o.retryScheduled(retry);
            }
        }

        @Override
        public void deadLettered(DeadLettered deadLettered) {
            for (Guarded o : observers) {
                o.deadLettered(deadLettered);
            }
        }

        @Override
        public void deadLetterVoided(DeadLettered voided) {
            for (Guarded o : observers) {
                o.deadLetterVoided(voided);
            }
        }

        @Override
        public void missed(String eventType, long count) {
            for (Guarded o : observers) {
                o.missed(eventType, count);
            }
        }

        @Override
        public void arrivedLate(String eventType, long count) {
            for (Guarded o : observers) {
                o.arrivedLate(eventType, count);
            }
        }

        @Override
        public String toString() {
            return "BusObserver.composite" + List.of(observers);
        }
    }
}
