package dev.herald.bench;

import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Publish through the in-memory bus to one handler: encode, queue, decode, dispatch. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DispatchBench {

    private EventBus bus;
    private final AtomicLong handled = new AtomicLong();
    private final String pad = Payloads.pad(1024, Payloads.ENVELOPE_OVERHEAD);
    private long seq;

    /** Starts a bus with one handler. */
    @Setup(Level.Trial)
    public void setUp() {
        bus = InMemoryEventBus.builder().build();
        bus.subscribe(Payloads.BenchEvent.class, e -> handled.incrementAndGet());
        bus.start();
    }

    /** Shuts it down. */
    @TearDown(Level.Trial)
    public void tearDown() {
        bus.shutdown();
    }

    /** One publish; the handler's queue applies backpressure, so throughput is end to end. */
    @Benchmark
    public Object publish() {
        return bus.publish(new Payloads.BenchEvent(seq++, System.nanoTime(), pad));
    }
}
