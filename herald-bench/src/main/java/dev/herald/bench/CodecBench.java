package dev.herald.bench;

import dev.herald.Envelope;
import dev.herald.internal.codec.CloudEventCodec;
import dev.herald.internal.codec.IncomingEvent;
import dev.herald.internal.codec.InvalidMessageException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Encoding and decoding one ~1 KB event with Herald's CloudEvents codec. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBench {

    private CloudEventCodec codec;
    private Envelope<Payloads.BenchEvent> envelope;
    private byte[] encoded;

    /** Prepares one event. */
    @Setup
    public void setUp() {
        codec = new CloudEventCodec(null, 1024 * 1024);
        envelope = new Envelope<>("01a21868-0087-7000-ac48-ddc610d3d77a", "bench.event", "bench", Instant.now(),
                "01a21868-0087-7000-ac48-ddc610d3d77a", null, null, Map.of(),
                new Payloads.BenchEvent(42, System.nanoTime(), Payloads.pad(1024, Payloads.ENVELOPE_OVERHEAD)));
        encoded = codec.encode(envelope, "publisher-1", 1);
    }

    /** Envelope to bytes. */
    @Benchmark
    public byte[] encode() {
        return codec.encode(envelope, "publisher-1", 1);
    }

    /** Bytes to a typed payload, as a handler's pipeline does: the data bound in the attributes' pass. */
    @Benchmark
    public Payloads.BenchEvent decode() throws InvalidMessageException {
        IncomingEvent in = codec.decode(encoded, "bench.event", Payloads.BenchEvent.class);
        return codec.payload(in, Payloads.BenchEvent.class);
    }

    /** Bytes to a typed payload in two passes: the attributes first, then the data's slice (as for an event whose data comes before its type). */
    @Benchmark
    public Payloads.BenchEvent decodeTwoPasses() throws InvalidMessageException {
        IncomingEvent in = codec.decode(encoded);
        return codec.payload(in, Payloads.BenchEvent.class);
    }
}
