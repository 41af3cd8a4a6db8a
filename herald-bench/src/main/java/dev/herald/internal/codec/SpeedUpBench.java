package dev.herald.internal.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventType;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.data.PojoCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Each hand-written speed-up of the codec against its plain alternative, on one ~1 KB event
 * (the event of CodecBench): names sort so that each alternative runs next to Herald's way.
 * In the codec's package to reach its package-private parts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpeedUpBench {

    /** The benchmark's event (as herald-bench's Payloads.BenchEvent). */
    @EventType("bench.event")
    public record Event(long seq, long sent, String pad) implements DomainEvent {
    }

    private static final String TYPE = "bench.event";
    private static final Instant TIME = Instant.parse("2026-11-28T08:01:02.123456Z");
    private static final String TIME_TEXT = "2026-11-28T08:01:02.123456Z";

    private CloudEventCodec herald;
    private CloudEventCodec noAscii;
    private final ObjectMapper sdkMapper = JsonMapper.builder().findAndAddModules().build();
    private final JsonFormat sdk = new JsonFormat();
    private Envelope<Event> envelope;
    private byte[] encoded;
    private byte[] sdkEncoded;

    /** Prepares the codecs and one event. */
    @Setup
    public void setUp() {
        herald = new CloudEventCodec(null, 1024 * 1024, true);
        noAscii = new CloudEventCodec(null, 1024 * 1024, false);
        envelope = new Envelope<>("01a21868-0087-7000-ac48-ddc610d3d77a", TYPE, "bench", TIME,
                "01a21868-0087-7000-ac48-ddc610d3d77a", null, null, Map.of(),
                new Event(42, 1_234_567_890_123L, "x".repeat(1024 - 390)));
        encoded = herald.encode(envelope, "publisher-1", 1);
        sdkEncoded = sdk.serialize(sdkEvent());
    }

    private CloudEvent sdkEvent() {
        return CloudEventBuilder.v1()
                .withId(envelope.id())
                .withSource(URI.create(envelope.source()))
                .withType(envelope.type())
                .withTime(OffsetDateTime.ofInstant(envelope.time(), ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withExtension("publisherid", "publisher-1")
                .withExtension("publisherseq", 1)
                .withExtension("correlationid", envelope.correlationId())
                .withData(PojoCloudEventData.wrap(envelope.payload(), sdkMapper::writeValueAsBytes))
                .build();
    }

    // encode: envelope to bytes

    @Benchmark
    public byte[] encodeHerald() {
        return herald.encode(envelope, "publisher-1", 1);
    }

    @Benchmark
    public byte[] encodeNoAsciiStrings() {
        return noAscii.encode(envelope, "publisher-1", 1);
    }

    @Benchmark
    public byte[] encodeSdkJsonFormat() {
        return sdk.serialize(sdkEvent());
    }

    // decode: bytes to a typed payload, as a handler's pipeline does

    @Benchmark
    public Event decodeHerald() throws InvalidMessageException {
        return herald.payload(herald.decode(encoded, TYPE, Event.class), Event.class);
    }

    @Benchmark
    public Event decodeSdkJsonFormat() throws IOException {
        CloudEvent e = sdk.deserialize(sdkEncoded);
        return sdkMapper.readValue(e.getData().toBytes(), Event.class);
    }

    // the time attribute

    @Benchmark
    public String timeFormatRfc3339() {
        return Rfc3339.format(TIME);
    }

    @Benchmark
    public String timeFormatIsoInstant() {
        return DateTimeFormatter.ISO_INSTANT.format(TIME);
    }

    @Benchmark
    public String timeFormatInstantToString() {
        return TIME.toString();
    }

    @Benchmark
    public Instant timeParseRfc3339() {
        return Rfc3339.parse(TIME_TEXT);
    }

    @Benchmark
    public Instant timeParseOffsetDateTime() {
        return OffsetDateTime.parse(TIME_TEXT, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    @Benchmark
    public Instant timeParseInstant() {
        return Instant.parse(TIME_TEXT);
    }
}
