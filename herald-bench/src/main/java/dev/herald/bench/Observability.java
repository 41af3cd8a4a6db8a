package dev.herald.bench;

import dev.herald.EventBus;
import dev.herald.micrometer.HeraldMeterObservationHandler;
import dev.herald.micrometer.HeraldMetrics;
import dev.herald.micrometer.MicrometerObserver;
import dev.herald.opentelemetry.OpenTelemetryObserver;
import dev.herald.spi.BusObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What observes the Herald buses of one {@code e2e} run ({@code --observe}), so that its cost is
 * measured: nothing (the default), Micrometer observations and meters, or OpenTelemetry spans.
 * Made per run, closed after its buses shut down. Not thread-safe: the run's thread builds the buses.
 */
abstract class Observability implements AutoCloseable {

    /** The choices of {@code --observe}. */
    static final String CHOICES = "none, micrometer, micrometer-default or otel";

    /**
     * The observability named by {@code --observe}.
     *
     * @throws IllegalArgumentException naming a value that is not one of {@link #CHOICES}
     */
    static void check(String name) {
        if (!List.of("none", "micrometer", "micrometer-default", "otel").contains(name)) {
            throw new IllegalArgumentException("--observe must be " + CHOICES + ", not '" + name + "'");
        }
    }

    /** A fresh one of the kind named, for one run. */
    static Observability of(String name) {
        check(name);
        return switch (name) {
            case "micrometer" -> new Micrometer(Observability::meterHandlers);
            case "micrometer-default" -> new Micrometer(DefaultMeterObservationHandler::new);
            case "otel" -> new OpenTelemetry();
            default -> new None();
        };
    }

    /** The observer each bus of the run is built with. */
    abstract BusObserver observer();

    /** Called with each bus of the run once built, under a name unique in the run. */
    void bound(EventBus bus, String name) {
    }

    @Override
    public void close() {
    }

    /** No observer: the bus's no-op default. */
    private static final class None extends Observability {
        @Override
        BusObserver observer() {
            return BusObserver.noop();
        }
    }

    /**
     * The meter handlers Herald's README and herald-spring-boot set up: Herald's for Herald's
     * observations, Micrometer's for every other one.
     */
    static ObservationHandler<Observation.Context> meterHandlers(MeterRegistry meters) {
        return new FirstMatchingCompositeObservationHandler(new HeraldMeterObservationHandler(meters),
                new DefaultMeterObservationHandler(meters));
    }

    /**
     * A {@link MicrometerObserver} on an {@link ObservationRegistry} whose meter handler makes
     * timers in a {@link SimpleMeterRegistry} ({@code micrometer}: {@link #meterHandlers};
     * {@code micrometer-default}: Micrometer's {@link DefaultMeterObservationHandler} alone, with its
     * long-task timers), and {@link HeraldMetrics} bound for each bus (tagged {@code bus}), as an
     * application with Micrometer has them.
     */
    private static final class Micrometer extends Observability {
        private final MeterRegistry meters = new SimpleMeterRegistry();
        private final BusObserver observer;

        Micrometer(Function<MeterRegistry, ObservationHandler<?>> handler) {
            ObservationRegistry observations = ObservationRegistry.create();
            observations.observationConfig().observationHandler(handler.apply(meters));
            observer = MicrometerObserver.of(observations);
        }

        @Override
        BusObserver observer() {
            return observer;
        }

        @Override
        void bound(EventBus bus, String name) {
            HeraldMetrics.builder(bus).tags(Tags.of("bus", name)).build().bindTo(meters);
        }

        /** Says how many publishes and handler runs were timed, on stderr, as a check that they were. */
        @Override
        public void close() {
            System.err.printf(Locale.ROOT, "observed by micrometer: %d publish(es), %d handler run(s) timed%n",
                    timed("herald.publish"), timed("herald.process"));
            meters.close();
        }

        private long timed(String name) {
            return meters.find(name).timers().stream().mapToLong(Timer::count).sum();
        }
    }

    /**
     * An {@link OpenTelemetryObserver} on an SDK whose tracer provider batches every span
     * ({@link BatchSpanProcessor}, its defaults) to an exporter that discards them: the cost of
     * making, propagating and batching spans, without a backend's.
     */
    private static final class OpenTelemetry extends Observability {
        private final Discarding exporter = new Discarding();
        private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        private final BusObserver observer = OpenTelemetryObserver.of(sdk);

        @Override
        BusObserver observer() {
            return observer;
        }

        /** Exports what is batched, and says how many spans were, on stderr, as a check that they were made. */
        @Override
        public void close() {
            sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
            System.err.printf(Locale.ROOT, "observed by otel: %d span(s) exported (and discarded)%n", exporter.spans.get());
        }
    }

    /** Takes every span and keeps none; counts them. */
    private static final class Discarding implements SpanExporter {
        final AtomicLong spans = new AtomicLong();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAndGet(batch.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
