package dev.herald.internal.bus;

import dev.herald.BusState;
import dev.herald.BusStats;
import dev.herald.DeadLetterQueue;
import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventHandler;
import dev.herald.HandlerStats;
import dev.herald.Health;
import dev.herald.Metadata;
import dev.herald.ShutdownReport;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.TransportHealth;
import dev.herald.internal.codec.CloudEventCodec;
import dev.herald.internal.codec.EventTypeRegistry;
import dev.herald.internal.codec.IncomingEvent;
import dev.herald.internal.codec.UuidV7;
import dev.herald.internal.deadletter.BusDeadLetterQueue;
import dev.herald.internal.deadletter.DeadLetterWriter;
import dev.herald.internal.dispatch.ActiveOperations;
import dev.herald.internal.dispatch.ActiveSubscription;
import dev.herald.internal.dispatch.HandlerAccount;
import dev.herald.internal.dispatch.HandlerPipeline;
import dev.herald.internal.dispatch.HandlerWorkers;
import dev.herald.internal.dispatch.HandlingContext;
import dev.herald.internal.dispatch.RetryingInvoker;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.Publish;
import dev.herald.spi.BusObserver.PublishObservation;
import dev.herald.spi.BusSettings;
import dev.herald.spi.DeadLetterStore;
import dev.herald.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus over any {@link Transport}: publishing, subscriptions, lifecycle. The public
 * buses delegate to it; other transports reach it through {@link dev.herald.spi.TransportBus}.
 * Thread-safe.
 */
public final class TransportEventBus implements EventBus {

    private static final Logger log = LoggerFactory.getLogger(TransportEventBus.class);
    /** How long a shutdown past its deadline waits for the handlers it interrupted to return. */
    private static final Duration LATE_HANDLER_GRACE = Duration.ofMillis(100);
    /** What closing the transport still gets past the deadline: time to flush acknowledgements, not to wait for Redis. */
    private static final Duration CLOSE_FLOOR = Duration.ofMillis(200);

    private final BusSettings settings;
    private final Transport transport;
    private final DeadLetterStore store;
    private final EventTypeRegistry registry;
    private final CloudEventCodec codec;
    private final BusCounters counters = new BusCounters();
    private final RetryingInvoker invoker;
    private final DeadLetterWriter deadLetterWriter;
    private final BusDeadLetterQueue deadLetterQueue;
    private final List<ActiveSubscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Every handler subscribed since the bus was built, in the order of its first subscription; kept after shutdown. */
    private final List<HandlerAccount> accounts = new CopyOnWriteArrayList<>();
    private final AtomicReference<BusState> state = new AtomicReference<>(BusState.NEW);
    private final Semaphore publishPermits;
    private final ActiveOperations inFlightPublishes = new ActiveOperations();
    /** Per event type: the last publisher sequence number, and the lock that keeps numbers in send order. */
    private final ConcurrentHashMap<String, TypeSequence> sequences = new ConcurrentHashMap<>();
    /**
     * Held while subscribing, starting and deciding to shut down. A lock, not a monitor: starting
     * and subscribing wait for the transport (Redis), which would pin a virtual thread's carrier
     * inside {@code synchronized} on Java 21 to 23.
     */
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final UuidV7 ids;
    /** Told what the bus does; guarded (see {@link BusSettings#observer()}). */
    private final BusObserver observer;
    /** The observer the transport tells of events missed, with its counts of them. */
    private final MissedTally missed;
    /** Whether an observer was set: with none, no record is built for it, per event or otherwise. */
    private final boolean observing;
    /** The transport's {@link Transport#messagingSystem()}, told to the observer. */
    private final String system;
    private @Nullable CompletableFuture<ShutdownReport> shutdown;
    /** Why {@link #start()} failed, if it did: the bus was then shut down. */
    private volatile @Nullable Throwable startFailure;

    private final Runnable afterShutdown;

    /**
     * @param afterShutdown runs once, after the transport and the store are done with, to release
     *     what they shared (a Redis connection, say)
     */
    public TransportEventBus(BusSettings settings, Transport transport, DeadLetterStore store, Runnable afterShutdown) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.afterShutdown = Objects.requireNonNull(afterShutdown, "afterShutdown");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.store = Objects.requireNonNull(store, "store");
        BusObserver given = settings.observer();
        this.missed = given instanceof MissedTally tally ? tally : MissedTally.around(given);
        this.observer = missed.inner();
        this.observing = observer != BusObserver.noop();
        this.system = Objects.requireNonNull(transport.messagingSystem(), "transport.messagingSystem()");
        this.registry = new EventTypeRegistry(settings.types());
        this.codec = new CloudEventCodec(settings.objectMapper(), settings.maxMessageSize());
        this.publishPermits = new Semaphore(settings.maxInFlightPublishes());
        RandomGenerator fixed = settings.random();
        this.ids = new UuidV7(settings.clock(), fixed != null ? () -> fixed : ThreadLocalRandom::current);
        DoubleSupplier uniform = settings.random() != null ? settings.random()::nextDouble
                : () -> ThreadLocalRandom.current().nextDouble();
        this.invoker = new RetryingInvoker(settings.clock(), settings.sleeper(), uniform);
        this.deadLetterWriter = new DeadLetterWriter(store, counters, settings.clock(), this::newId, codec,
                settings.deadLetterRawLimit(), this::handlerNames);
        this.deadLetterQueue = new BusDeadLetterQueue(store, this::findSubscription, this::state);
    }

    private String newId() {
        return ids.next().toString();
    }

    // ------------------------------------------------------------------ publish

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(E event, Metadata metadata) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(metadata, "metadata");
        return publishAs(null, event, metadata);
    }

    @Override
    public <E> CompletableFuture<Envelope<E>> publish(String eventType, E event, Metadata metadata) {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(metadata, "metadata");
        return publishAs(eventType, event, metadata);
    }

    /** Publishes under the given type, or the event's own when {@code null}. */
    private <E> CompletableFuture<Envelope<E>> publishAs(@Nullable String eventType, E event, Metadata metadata) {
        IncomingEvent context = HandlingContext.current();
        inFlightPublishes.enter();
        boolean permit = false;
        PublishObservation observation = PublishObservation.NONE;
        int size = -1;
        try {
            BusState current = state();
            if (current != BusState.RUNNING && !(current == BusState.STOPPING && context != null)) {
                throw new IllegalStateException(current == BusState.NEW
                        ? "cannot publish: the bus is not started; call start() first"
                        : "cannot publish: the bus is " + current.name().toLowerCase() + " (shutdown() was called)");
            }
            String type;
            if (eventType == null) {
                type = registry.typeOf(event);
            } else {
                EventTypeRegistry.checkTypeName(eventType);
                type = eventType;
            }
            String id = newId();
            Map<String, String> headers = metadata.headers();
            if (observing) {
                // on the publishing thread, before encoding: what the observer sets travels in the event
                PublishAttributes attributes = new PublishAttributes(headers);
                observation = observer.publishStarted(new Publish(system, type, id, settings.source(), attributes));
                headers = attributes.close();
            }
            if (!publishPermits.tryAcquire(settings.publishTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("cannot publish: " + settings.maxInFlightPublishes()
                        + " publishes were still in flight after the publish timeout of " + settings.publishTimeout());
            }
            permit = true;
            Envelope<E> envelope = envelope(event, type, id, metadata, headers, context);
            CompletableFuture<Void> sent;
            TypeSequence sequence = sequences.computeIfAbsent(envelope.type(), t -> new TypeSequence());
            // numbered and handed to the transport under one lock, so that numbers go out in order
            // and a subscriber can tell a gap (a missed event) from a reordering; a lock, not a
            // monitor, since transport.publish may wait (in memory, for room in a handler's queue)
            sequence.lock.lock();
            try {
                byte[] bytes = codec.encode(envelope, settings.instanceId(), sequence.last + 1);
                size = bytes.length;
                if (bytes.length > settings.maxMessageSize()) {
                    throw new IllegalArgumentException("event " + envelope.id() + " of type '" + envelope.type() + "' is "
                            + bytes.length + " bytes when encoded, over the limit of " + settings.maxMessageSize()
                            + " bytes; raise maxMessageSize or send a reference to the data instead");
                }
                sequence.last++;
                sent = transport.publish(envelope.type(), bytes);
            } finally {
                sequence.lock.unlock();
            }
            PublishObservation observed = observation;
            int sentSize = size;
            return sent.handle((ok, failure) -> {
                publishPermits.release();
                inFlightPublishes.exit();
                if (failure != null) {
                    counters.publishFailed.increment();
                    observed.end(sentSize, failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                    throw failure instanceof RuntimeException re ? re : new CompletionException(failure);
                }
                counters.published.increment();
                observed.end(sentSize, null);
                return envelope;
            });
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (permit) {
                publishPermits.release();
            }
            inFlightPublishes.exit();
            counters.publishFailed.increment();
            observation.end(size, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private <E> Envelope<E> envelope(E event, String type, String id, Metadata metadata, Map<String, String> headers,
            @Nullable IncomingEvent context) {
        String subject = metadata.subject();
        if (subject == null && event instanceof DomainEvent domainEvent) {
            subject = domainEvent.aggregateId();
        }
        String correlationId = metadata.correlationId();
        String causationId = metadata.causationId();
        if (context != null) {
            if (correlationId == null) {
                correlationId = context.correlationId() != null ? context.correlationId() : context.id();
            }
            if (causationId == null) {
                causationId = context.id();
            }
        }
        if (correlationId == null) {
            correlationId = id;
        }
        return new Envelope<>(id, type, settings.source(), settings.clock().instant(), correlationId, causationId,
                subject, headers, event);
    }

    // ------------------------------------------------------------------ subscribe

    @Override
    public <E> Subscription subscribe(Class<E> eventClass, SubscriptionOptions options, EventHandler<E> handler) {
        Objects.requireNonNull(eventClass, "eventClass");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return add(registry.typeOf(eventClass), eventClass, options, handler);
    }

    @Override
    public Subscription subscribe(String eventType, SubscriptionOptions options, EventHandler<Object> handler) {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        EventTypeRegistry.checkTypeName(eventType);
        return add(eventType, null, options, handler);
    }

    private <E> Subscription add(String eventType, @Nullable Class<E> payloadClass, SubscriptionOptions options,
            EventHandler<E> handler) {
        lifecycle.lock();
        try {
            BusState current = state();
            if (current == BusState.STOPPING || current == BusState.TERMINATED) {
                throw new IllegalStateException("cannot subscribe to '" + eventType + "': the bus is "
                        + current.name().toLowerCase());
            }
            String name = options.name() != null ? options.name() : derivedName(eventType);
            if (findSubscription(eventType, name).isPresent()) {
                throw new IllegalArgumentException("handler name '" + name + "' is already subscribed to '" + eventType
                        + "' on this bus; give each handler of a type its own name");
            }
            HandlerAccount account = account(eventType, name);
            HandlerPipeline<E> pipeline = new HandlerPipeline<>(account, payloadClass, registry, handler,
                    options.retry() != null ? options.retry() : settings.retry(), codec, invoker, deadLetterWriter);
            HandlerWorkers lanes = new HandlerWorkers(pipeline, options.concurrency(), options.subjectOrdered(),
                    options.queueCapacity(), settings.threadFactory());
            account.queuedIn(lanes);
            ActiveSubscription subscription = new ActiveSubscription(lanes, subscriptions::remove);
            subscriptions.add(subscription);
            if (current == BusState.RUNNING) {
                subscription.connect(transport);
            }
            return subscription;
        } finally {
            lifecycle.unlock();
        }
    }

    /** The account of a handler: a new one, or the one it had before it was cancelled and subscribed again. */
    private HandlerAccount account(String eventType, String handlerName) {
        for (HandlerAccount account : accounts) {
            if (account.eventType().equals(eventType) && account.handlerName().equals(handlerName)) {
                return account;
            }
        }
        HandlerAccount account = new HandlerAccount(eventType, handlerName, system, counters, observer);
        accounts.add(account);
        return account;
    }

    /** A stable default name: the type and the handler's position among that type's handlers. */
    private String derivedName(String eventType) {
        int n = 1;
        while (findSubscription(eventType, eventType + "#" + n).isPresent()) {
            n++;
        }
        return eventType + "#" + n;
    }

    /** The names of the handlers subscribed to a type here, sorted: named in a dead letter stored once for all. */
    private List<String> handlerNames(String eventType) {
        List<String> names = new ArrayList<>(2);
        for (ActiveSubscription s : subscriptions) {
            if (s.eventType().equals(eventType)) {
                names.add(s.handlerName());
            }
        }
        Collections.sort(names);
        return names;
    }

    private Optional<ActiveSubscription> findSubscription(@Nullable String eventType, String handlerName) {
        for (ActiveSubscription s : subscriptions) {
            if (s.handlerName().equals(handlerName) && (eventType == null || s.eventType().equals(eventType))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void start() {
        lifecycle.lock();
        try {
            BusState current = state();
            if (current == BusState.RUNNING) {
                return;
            }
            if (current != BusState.NEW) {
                Throwable failed = startFailure;
                throw new IllegalStateException("cannot start: the bus is " + current.name().toLowerCase()
                        + (failed != null ? " since an earlier start() failed (" + failed.getMessage() + ")" : "")
                        + "; a bus is not restarted, build a new one", failed);
            }
            try {
                transport.start();
                for (ActiveSubscription s : subscriptions) {
                    s.connect(transport);
                }
            } catch (RuntimeException | Error e) {
                startFailure = e;
                abandonStart(e);
                throw e;
            }
            state.set(BusState.RUNNING);
            log.info("Herald bus {} started (source '{}', {} subscription(s), transport {})",
                    settings.instanceId(), settings.source(), subscriptions.size(), transport);
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * A start that failed shuts the bus down at once, so that nothing it opened outlives it: the
     * transport may have connected, started threads or subscribed to events of a client's
     * resources before it failed. Whatever a subscription connected before the failure received
     * is parked, counted, as in any shutdown past its deadline.
     */
    private void abandonStart(Throwable cause) {
        // the caller gets the failure from start(): logged here only for debugging, so that a
        // command-line tool can report it in one line of its own
        log.debug("Herald bus {} failed to start ({}); shutting it down", settings.instanceId(), cause.toString());
        try {
            shutdown(Duration.ZERO);
        } catch (RuntimeException | Error e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public ShutdownReport shutdown() {
        return shutdown(settings.shutdownTimeout());
    }

    @Override
    public ShutdownReport shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive but was " + timeout);
        }
        CompletableFuture<ShutdownReport> mine;
        boolean drains;
        lifecycle.lock();
        try {
            if (shutdown != null && shutdown.isDone()) {
                return shutdown.join();
            }
            refuseOnOwnHandlerThread();
            if (shutdown != null) {
                mine = shutdown;
                drains = false;
            } else {
                mine = shutdown = new CompletableFuture<>();
                state.set(BusState.STOPPING);
                drains = true;
            }
        } finally {
            lifecycle.unlock();
        }
        if (!drains) {
            return mine.join();
        }
        try {
            mine.complete(drain(timeout));
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            state.set(BusState.TERMINATED);
        }
        return mine.join();
    }

    /** A shutdown waits for the handlers: one of them asking for it on its own thread would wait for itself. */
    private void refuseOnOwnHandlerThread() {
        Thread current = Thread.currentThread();
        for (ActiveSubscription s : subscriptions) {
            if (s.runsOn(current)) {
                throw new IllegalStateException("shutdown() was called by handler '" + s.handlerName() + "' of '"
                        + s.eventType() + "' on its own thread, and the shutdown would wait for that handler to return;"
                        + " shut the bus down from another thread, for example CompletableFuture.runAsync(bus::shutdown)");
            }
        }
    }

    private ShutdownReport drain(Duration timeout) {
        long startNanos = System.nanoTime();
        long deadline = startNanos + timeout.toNanos();
        long parkedBefore = counters.parked.sum();
        long pendingBefore = counters.leftPending.sum();
        deadLetterWriter.shutdownDeadline(deadline);
        boolean inTime = true;
        boolean interrupted = false;
        try {
            if (!inFlightPublishes.awaitZero(deadline)) {
                log.warn("Shutdown: publishes still in flight at the deadline; their futures complete or fail on their own");
                inTime = false;
            }
            subscriptions.forEach(ActiveSubscription::stopTransport);
            transport.awaitDelivered(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            subscriptions.forEach(ActiveSubscription::stopLanes);
            for (ActiveSubscription s : subscriptions) {
                if (!s.awaitDrained(deadline)) {
                    inTime = false;
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            inTime = false;
        }
        if (!inTime) {
            subscriptions.forEach(ActiveSubscription::parkRemaining);
            interrupted |= awaitInterruptedHandlers();
        }
        // also a transport never started: what it built (a timer thread, say) is released
        closeTransport(Duration.ofNanos(Math.max(deadline - System.nanoTime(), CLOSE_FLOOR.toNanos())));
        subscriptions.clear();
        afterShutdown.run();
        BusStats stats = stats();
        ShutdownReport report = new ShutdownReport(stats.handled(), stats.deadLettered(), stats.parked() - parkedBefore,
                stats.leftPending() - pendingBefore, inTime, Duration.ofNanos(System.nanoTime() - startNanos),
                stats.deadLettersNotStored());
        if (startFailure != null) {
            log.debug("Herald bus {} shut down after its start failed: {} handled, {} dead-lettered, {} parked, {} left pending",
                    settings.instanceId(), report.handled(), report.deadLettered(), report.parked(), report.leftPending());
        } else if (inTime) {
            log.info("Herald bus {} shut down in {} ms: {} handled, {} dead-lettered ({} of them not stored, only logged),"
                    + " nothing parked", settings.instanceId(), report.took().toMillis(), report.handled(),
                    report.deadLettered(), report.deadLettersNotStored());
        } else {
            log.warn("Herald bus {} shutdown passed its deadline of {} ms: {} handled, {} dead-lettered ({} of them not stored,"
                    + " only logged), {} parked as SHUTDOWN dead letters, {} left pending for another instance",
                    settings.instanceId(), timeout.toMillis(), report.handled(), report.deadLettered(),
                    report.deadLettersNotStored(), report.parked(), report.leftPending());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return report;
    }

    /**
     * Closes the transport with the interrupt flag cleared (a client's blocking calls fail on an
     * interrupted thread) and never lets its failure end the shutdown without a report.
     */
    private void closeTransport(Duration timeout) {
        boolean interrupted = Thread.interrupted();
        try {
            transport.close(timeout);
        } catch (RuntimeException e) {
            log.warn("Herald bus {}: closing transport {} failed: {}", settings.instanceId(), transport, e.toString(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Gives the handlers just interrupted a moment to return, so that one that still completes its
     * event (and so voids its SHUTDOWN dead letter) is counted as handled in the report.
     *
     * @return whether this thread was interrupted meanwhile
     */
    private boolean awaitInterruptedHandlers() {
        long until = System.nanoTime() + LATE_HANDLER_GRACE.toNanos();
        try {
            for (ActiveSubscription s : subscriptions) {
                s.awaitDrained(until);
            }
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    @Override
    public DeadLetterQueue deadLetters() {
        return deadLetterQueue;
    }

    @Override
    public BusState state() {
        return Objects.requireNonNull(state.get()); // never set to null
    }

    @Override
    public Health health() {
        BusState current = state();
        TransportHealth of = transport.health();
        int subscribed = subscriptions.size();
        // not stored is counted after written, so read first; a late handler's unpark takes both back
        long notStored = counters.deadLettersNotStored.sum();
        long deadLettered = Math.max(counters.deadLettered.sum(), notStored);
        if (current != BusState.RUNNING) {
            Throwable failed = startFailure;
            return new Health(current, false, "the bus is " + current.name().toLowerCase()
                    + (failed != null ? ": its start failed (" + failed.getMessage() + ")" : ""), of, subscribed,
                    deadLettered, notStored);
        }
        return new Health(current, of.up(), of.detail(), of, subscribed, deadLettered, notStored);
    }

    @Override
    public BusStats stats() {
        List<HandlerStats> handlers = new ArrayList<>(accounts.size());
        for (HandlerAccount account : accounts) {
            handlers.add(account.snapshot());
        }
        return counters.snapshot(handlers, transport.missedByType(), missed);
    }

    /** An event type's publisher sequence: the last number sent, under a lock kept while it is sent. */
    private static final class TypeSequence {
        final ReentrantLock lock = new ReentrantLock();
        long last;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + settings.source() + ", " + settings.instanceId() + ", " + state() + "]";
    }
}
