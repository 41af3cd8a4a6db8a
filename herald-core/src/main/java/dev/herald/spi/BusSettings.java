package dev.herald.spi;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.RetryPolicy;
import dev.herald.Sleeper;
import dev.herald.internal.bus.BusThreads;
import dev.herald.internal.bus.MissedTally;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The transport-independent options of a bus, as collected by {@link dev.herald.EventBusBuilder}.
 * Immutable; each value was validated by the builder.
 *
 * @param source the CloudEvents source
 * @param retry the default retry policy
 * @param maxMessageSize the largest message in bytes
 * @param shutdownTimeout the default shutdown timeout
 * @param publishTimeout how long a publish may wait
 * @param maxInFlightPublishes publishes waiting for the transport at once
 * @param types type names registered by hand
 * @param objectMapper the user's mapper, or {@code null} for Herald's
 * @param clock the clock
 * @param sleeper the retry sleeper
 * @param random the random source, or {@code null} for per-thread generators
 * @param instanceId this bus instance's id
 * @param deadLetterRawLimit how many bytes of an oversized ({@code TOO_LARGE}) message its dead letter keeps
 * @param threadFactory where every thread the bus and its transport start comes from; see {@link #newThread}
 * @param observer told what the bus does (see {@link BusObserver}), guarded: kept as given if it is
 *     {@link BusObserver#noop()} or a {@link BusObserver#composite composite} (which guards each of
 *     its observers), else wrapped so that what it throws is logged and goes no further. A transport
 *     tells it of events its subscribers missed ({@link BusObserver#missed}) and of those that arrived
 *     late ({@link BusObserver#arrivedLate}): the observer returned counts these for the bus's
 *     {@link dev.herald.BusStats}, one count per settings built, before it tells the one given
 */
public record BusSettings(
        String source,
        RetryPolicy retry,
        int maxMessageSize,
        Duration shutdownTimeout,
        Duration publishTimeout,
        int maxInFlightPublishes,
        Map<String, Class<?>> types,
        @Nullable ObjectMapper objectMapper,
        Clock clock,
        Sleeper sleeper,
        @Nullable RandomGenerator random,
        String instanceId,
        int deadLetterRawLimit,
        ThreadFactory threadFactory,
        BusObserver observer) {

    /** Checks for nulls, copies the map, guards the observer and tallies what it is told was missed. */
    public BusSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(threadFactory, "threadFactory");
        observer = MissedTally.around(Observers.guarded(Objects.requireNonNull(observer, "observer")));
        types = Map.copyOf(types);
        if (deadLetterRawLimit < 0) {
            throw new IllegalArgumentException("deadLetterRawLimit must be >= 0 but was " + deadLetterRawLimit);
        }
    }

    /**
     * A thread for the bus or its transport, not started: made by {@link #threadFactory()} and
     * named {@code name} where the thread allows renaming. A transport starts its threads here, so
     * that the application's factory (virtual threads, say) is the only one.
     *
     * @param name the thread's name, such as {@code "herald-reader-orders"}
     * @param task what the thread runs
     * @return the thread
     * @throws IllegalStateException if the factory returns {@code null} (it rejected the request)
     */
    public Thread newThread(String name, Runnable task) {
        return BusThreads.newThread(threadFactory, Objects.requireNonNull(name, "name"), Objects.requireNonNull(task, "task"));
    }
}
