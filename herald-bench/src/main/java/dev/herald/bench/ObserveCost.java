package dev.herald.bench;

import dev.herald.EventBus;
import dev.herald.EventBusBuilder;
import dev.herald.Envelope;
import dev.herald.micrometer.HeraldMeterObservationHandler;
import dev.herald.micrometer.MicrometerObserver;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Publish;
import dev.herald.spi.BusObserver.PublishObservation;
import dev.herald.spi.BusObserver.Scope;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler.IgnoredMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import org.jspecify.annotations.Nullable;

/**
 * {@code observe-cost}: what observing one event costs a bus, without Redis. Each operation is what
 * a bus tells its observer of one event with one handler, through the guarded observer a bus
 * holds: a publish observation (started, ended accepted) and a handler run's (started, made current
 * around the call, ended {@code success}). Measured on 1 and 2 threads sharing one observer, as
 * CPU and bytes allocated per operation (all threads), medians of rounds after a warm-up, and the
 * least CPU of a round (on a shared machine, the least disturbed). Setups:
 * {@code noop} (an {@link ObservationRegistry} without handlers), {@code handler} (one handler that
 * does nothing: the cost of Micrometer's observations and Herald's conventions alone),
 * {@code meters} (Micrometer's {@link DefaultMeterObservationHandler} on a
 * {@link SimpleMeterRegistry}, as {@code e2e --observe micrometer-default} has it), {@code meters-no-ltt}
 * (the same without long task timers, {@link IgnoredMeters#LONG_TASK_TIMER}) and {@code herald-meters}
 * ({@link HeraldMeterObservationHandler} first, Micrometer's after it for other observations, as
 * {@code e2e --observe micrometer} and herald-spring-boot have it); {@code otel} measures an
 * {@code OpenTelemetryObserver} instead, as {@code e2e --observe otel} has it (the CPU of the threads
 * observing, not of the span processor's export thread). For a profile, run one
 * setup under JFR ({@code -XX:StartFlightRecording}).
 */
final class ObserveCost {

    static final String SETUPS = "noop, handler, meters, meters-no-ltt, herald-meters, otel";
    /** Distinct event ids the operations cycle through, made before measuring. */
    private static final int EVENTS = 4096;

    private final List<String> setups;
    private final List<Integer> threads;
    private final int warmupSeconds;
    private final int rounds;
    private final double roundSeconds;

    private ObserveCost(List<String> setups, List<Integer> threads, int warmupSeconds, int rounds, double roundSeconds) {
        this.setups = setups;
        this.threads = threads;
        this.warmupSeconds = warmupSeconds;
        this.rounds = rounds;
        this.roundSeconds = roundSeconds;
    }

    static String usage() {
        return """
                       herald-bench observe-cost [--setups noop,handler,meters,meters-no-ltt,herald-meters,otel]
                                                 [--threads 1,2] [--warmup-seconds 5] [--rounds 5]
                                                 [--round-seconds 2]
                         what a MicrometerObserver costs per event (publish + one handler run), no Redis: CPU ns
                         and bytes allocated per event on 1 and 2 threads sharing the observer, medians of rounds
                         (and the least CPU of a round, the least disturbed on a shared machine);
                         setups: noop (no handler), handler (one that does nothing), meters (DefaultMeterObservation-
                         Handler on a SimpleMeterRegistry, as e2e --observe micrometer-default), meters-no-ltt (without
                         its long task timers), herald-meters (HeraldMeterObservationHandler first, as e2e --observe
                         micrometer), otel (OpenTelemetryObserver, spans batched to a discarding exporter, as e2e
                         --observe otel; the batching thread's CPU not counted)""".indent(7).stripTrailing();
    }

    /** Parses the options and runs, printing to {@code out}; a bad option is an {@link IllegalArgumentException} naming it. */
    static void run(String[] args, PrintStream out) throws Exception {
        List<String> setups = List.of("noop", "handler", "meters", "meters-no-ltt", "herald-meters", "otel");
        List<Integer> threads = List.of(1, 2);
        int warmup = 5;
        int rounds = 5;
        double roundSeconds = 2;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            i++;
            switch (name) {
                case "--setups" -> {
                    setups = List.of(needed(name, value).split(","));
                    for (String setup : setups) {
                        if (!setup.equals("otel")) {
                            registry(setup); // refuses an unknown setup
                        }
                    }
                }
                case "--threads" -> threads = Arrays.stream(needed(name, value).split(",")).map(v -> count(name, v, 1)).toList();
                case "--warmup-seconds" -> warmup = count(name, needed(name, value), 0);
                case "--rounds" -> rounds = count(name, needed(name, value), 1);
                case "--round-seconds" -> roundSeconds = seconds(name, needed(name, value));
                default -> throw new IllegalArgumentException("unknown option '" + name + "' of observe-cost; see: observe-cost --help");
            }
        }
        new ObserveCost(setups, threads, warmup, rounds, roundSeconds).run(out);
    }

    private static String needed(String option, @Nullable String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int count(String option, String value, int least) {
        try {
            int n = Integer.parseInt(value);
            if (n >= least) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a whole number of at least " + least + ", not '" + value + "'");
    }

    private static double seconds(String option, String value) {
        try {
            double s = Double.parseDouble(value);
            if (s > 0 && Double.isFinite(s)) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a number of seconds over 0, not '" + value + "'");
    }

    /** The observation registry of a setup. */
    private static ObservationRegistry registry(String setup) {
        ObservationRegistry registry = ObservationRegistry.create();
        switch (setup) {
            case "noop" -> { }
            case "handler" -> registry.observationConfig().observationHandler(new DoingNothing());
            case "meters" -> registry.observationConfig().observationHandler(
                    new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
            case "meters-no-ltt" -> registry.observationConfig().observationHandler(
                    new DefaultMeterObservationHandler(new SimpleMeterRegistry(), IgnoredMeters.LONG_TASK_TIMER));
            case "herald-meters" -> registry.observationConfig().observationHandler(
                    Observability.meterHandlers(new SimpleMeterRegistry()));
            default -> throw new IllegalArgumentException("--setups takes " + SETUPS + ", not '" + setup + "'");
        }
        return registry;
    }

    private void run(PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "observe-cost: one publish + one handler run per event, %d round(s) of %.1f s after %d s"
                + " of warm-up; medians%n", rounds, roundSeconds, warmupSeconds);
        out.printf(Locale.ROOT, "%-14s %7s %14s %14s %14s %12s%n", "setup", "threads", "cpu ns/event", "best cpu ns",
                "wall ns/event", "bytes/event");
        for (String setup : setups) {
            if (setup.equals("otel")) {
                try (Observability otel = Observability.of("otel")) {
                    measure(out, setup, GuardedObserver.of(otel.observer()));
                }
            } else {
                measure(out, setup, GuardedObserver.of(MicrometerObserver.of(registry(setup))));
            }
        }
    }

    /** One setup's line per thread count. */
    private void measure(PrintStream out, String setup, BusObserver observer) throws Exception {
        for (int n : threads) {
            Round.measure(observer, n, warmupSeconds);
            List<Round> measured = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                measured.add(Round.measure(observer, n, roundSeconds));
            }
            out.printf(Locale.ROOT, "%-14s %7d %14.0f %14.0f %14.0f %12.0f%n", setup, n,
                    median(measured, Round::cpuNanosPerOp),
                    measured.stream().mapToDouble(Round::cpuNanosPerOp).min().orElseThrow(),
                    median(measured, Round::wallNanosPerOp), median(measured, Round::bytesPerOp));
        }
    }

    private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> value) {
        double[] values = rounds.stream().mapToDouble(value).sorted().toArray();
        return values[values.length / 2];
    }

    /** One round: each thread runs operations until the time is up. */
    private record Round(long ops, long cpuNanos, long wallNanos, long bytes, int threads) {

        double cpuNanosPerOp() {
            return (double) cpuNanos / ops;
        }

        /** Wall time of one operation on one thread. */
        double wallNanosPerOp() {
            return (double) wallNanos * threads / ops;
        }

        double bytesPerOp() {
            return (double) bytes / ops;
        }

        static Round measure(BusObserver observer, int threads, double seconds) throws Exception {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] ops = new long[threads];
            long[] cpu = new long[threads];
            long[] bytes = new long[threads];
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            long durationNanos = (long) (seconds * 1e9);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                Thread worker = new Thread(() -> {
                    Events events = new Events("handler-" + me);
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long bytes0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                    long end = System.nanoTime() + durationNanos;
                    long n = 0;
                    do {
                        for (int i = 0; i < 256; i++) {
                            events.observe(observer, (int) (n++ & (EVENTS - 1)));
                        }
                    } while (System.nanoTime() < end);
                    ops[me] = n;
                    cpu[me] = mx.getCurrentThreadCpuTime() - cpu0;
                    bytes[me] = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - bytes0;
                }, "observe-cost-" + t);
                workers.add(worker);
                worker.start();
            }
            start.await();
            long wall0 = System.nanoTime();
            for (Thread worker : workers) {
                worker.join();
            }
            long wall = System.nanoTime() - wall0;
            return new Round(Arrays.stream(ops).sum(), Arrays.stream(cpu).sum(), wall, Arrays.stream(bytes).sum(), threads);
        }
    }

    /** One thread's events, made in advance, and what the bus tells its observer of each. */
    private static final class Events {
        private final String handler;
        private final String[] ids = new String[EVENTS];
        private final Envelope<?>[] envelopes = new Envelope<?>[EVENTS];

        Events(String handler) {
            this.handler = handler;
            for (int i = 0; i < EVENTS; i++) {
                ids[i] = UUID.randomUUID().toString();
                envelopes[i] = new Envelope<>(ids[i], "order.placed", "bench", Instant.now(), ids[i], null, "42",
                        Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), "payload");
            }
        }

        /** As a bus does for one publish and one handler run, the handler being empty. */
        void observe(BusObserver observer, int i) {
            PublishObservation publish = observer.publishStarted(
                    new Publish("redis", "order.placed", ids[i], "bench", new Attributes()));
            publish.end(1024, null);
            HandlerObservation run = observer.handlerStarted(new HandlerRun("redis", handler, 1, envelopes[i]));
            Scope scope = run.makeCurrent();
            scope.close();
            run.end(HandlerOutcome.SUCCESS, null);
        }
    }

    /** An event's extension attributes while it is published, copied on the first write as a bus does. */
    private static final class Attributes implements BusObserver.Attributes {
        private @Nullable Map<String, String> values;

        @Override
        public @Nullable String get(String name) {
            return values == null ? null : values.get(name);
        }

        @Override
        public void set(String name, String value) {
            if (values == null) {
                values = new HashMap<>();
            }
            values.put(name, value);
        }
    }

    /** A handler that takes every context and does nothing. */
    private static final class DoingNothing implements ObservationHandler<Observation.Context> {
        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    /** The observer as a bus holds it (guarded, its missed events tallied): taken from a builder's settings. */
    private static final class GuardedObserver extends EventBusBuilder<GuardedObserver> {

        static BusObserver of(BusObserver observer) {
            return new GuardedObserver().observer(observer).settings().observer();
        }

        @Override
        public EventBus build() {
            throw new UnsupportedOperationException("only the settings are used");
        }
    }
}
