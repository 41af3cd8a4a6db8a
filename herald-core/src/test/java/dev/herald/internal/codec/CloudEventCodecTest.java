package dev.herald.internal.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.DeadLetter.Reason;
import dev.herald.Envelope;
import dev.herald.EventType;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CloudEventCodecTest {

    @EventType("test.order-shipped")
    record OrderShipped(String orderId, Address to, List<Line> lines, Instant shippedAt, BigDecimal total,
            @Nullable String note, Map<String, Integer> counts, Optional<String> carrier) {
    }

    record Address(String street, String city) {
    }

    record Line(String sku, int quantity) {
    }

    @EventType("test.simple")
    record Simple(String name, long number) {
    }

    private final CloudEventCodec codec = new CloudEventCodec(null, 1024 * 1024);
    private final ObjectMapper json = new ObjectMapper();

    private static Envelope<Object> envelope(Object payload, String type) {
        return new Envelope<>("01890a5d-ac96-774b-bcce-b302099a8057", type, "orders-service",
                Instant.parse("2026-11-26T10:15:30.123456Z"), "corr-1", "cause-1", "order-1",
                Map.of("tenant", "acme"), payload);
    }

    private OrderShipped sample() {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("sku-ü-日本-🚀", 2));
        lines.add(new Line("sku-2", 1));
        return new OrderShipped("o-1", new Address("Straße 1", "Zürich"), lines,
                Instant.parse("2026-11-26T10:15:30.123456789Z"), new BigDecimal("1234.50"), null,
                Map.of("boxes", 3), Optional.empty());
    }

    @Test
    void aRecordWithNestedObjectsListsTimesDecimalsUnicodeAndNullsSurvivesTheRoundTrip() throws Exception {
        OrderShipped sent = sample();
        byte[] bytes = codec.encode(envelope(sent, "test.order-shipped"), "pub-1", 42);

        IncomingEvent in = codec.decode(bytes);
        OrderShipped received = codec.payload(in, OrderShipped.class);

        assertThat(received).isEqualTo(sent);
        assertThat(received.total().scale()).isEqualTo(2);
        assertThat(in.id()).isEqualTo("01890a5d-ac96-774b-bcce-b302099a8057");
        assertThat(in.type()).isEqualTo("test.order-shipped");
        assertThat(in.source()).isEqualTo("orders-service");
        assertThat(in.time()).isEqualTo(Instant.parse("2026-11-26T10:15:30.123456Z"));
        assertThat(in.correlationId()).isEqualTo("corr-1");
        assertThat(in.causationId()).isEqualTo("cause-1");
        assertThat(in.subject()).isEqualTo("order-1");
        assertThat(in.headers()).containsEntry("tenant", "acme").containsEntry("publisherid", "pub-1")
                .containsEntry("publisherseq", "42");
    }

    @Test
    void theWireUsesCloudEventsAttributeNamesAndNoClassNames() throws Exception {
        byte[] bytes = codec.encode(envelope(sample(), "test.order-shipped"), "pub-1", 7);
        JsonNode root = json.readTree(bytes);

        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("specversion", "publisherid", "publisherseq", "id", "source", "type", "time",
                "datacontenttype", "subject", "correlationid", "causationid", "tenant", "data");
        assertThat(root.get("specversion").asText()).isEqualTo("1.0");
        assertThat(root.get("time").asText()).isEqualTo("2026-11-26T10:15:30.123456Z");
        assertThat(root.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(root.get("publisherseq").isIntegralNumber()).isTrue();
        assertThat(root.get("data").isObject()).isTrue();
        assertThat(root.get("data").get("shippedAt").asText()).isEqualTo("2026-11-26T10:15:30.123456789Z");
        assertThat(root.get("data").get("note").isNull()).isTrue();
        assertThat(new String(bytes, UTF_8)).doesNotContain(OrderShipped.class.getName()).doesNotContain("@class");
        assertThat(new String(bytes, UTF_8)).contains("Zürich");
        if (JacksonFeatures.writeFeature("COMBINE_UNICODE_SURROGATES_IN_UTF8").isPresent()) {
            assertThat(new String(bytes, UTF_8)).contains("🚀"); // before Jackson 2.18: the escaped surrogate pair
        }
        assertThat(root.get("data").get("lines").get(0).get("sku").asText()).isEqualTo("sku-ü-日本-🚀");
    }

    @Test
    void anEventWithoutTimeOrOptionalAttributesOmitsThem() throws Exception {
        Envelope<Object> bare = new Envelope<>("id-1", "test.simple", "s", null, null, null, null, Map.of(),
                new Simple("a", 1));
        JsonNode root = json.readTree(codec.encode(bare, null, 0));
        assertThat(root.has("time")).isFalse();
        assertThat(root.has("subject")).isFalse();
        assertThat(root.has("correlationid")).isFalse();
        assertThat(root.has("publisherid")).isFalse();
    }

    @Test
    void anEventThatCannotBeSerializedGivesAClearError() {
        Object unserializable = new Object() {
            @SuppressWarnings("unused")
            public Object getSelf() {
                throw new IllegalStateException("boom");
            }
        };
        assertThatThrownBy(() -> codec.encode(envelope(unserializable, "test.bad"), null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test.bad")
                .hasMessageContaining("cannot be serialized");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "invalid JSON                | {\"specversion\":                                                                  | UNDECODABLE | not valid JSON",
        "not an object               | [1,2]                                                                             | UNDECODABLE | not a JSON object",
        "a JSON string               | ~\"hello\"~                                                                       | UNDECODABLE | not a JSON object",
        "empty input                 | ~~                                                                                | UNDECODABLE | empty input",
        "missing type                | {\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"data\":{}}               | UNDECODABLE | 'type'",
        "missing id                  | {\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"s\",\"data\":{}}             | UNDECODABLE | 'id'",
        "missing source              | {\"specversion\":\"1.0\",\"type\":\"t\",\"id\":\"1\",\"data\":{}}                 | UNDECODABLE | 'source'",
        "missing specversion         | {\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"data\":{}}                        | UNDECODABLE | 'specversion'",
        "unsupported specversion     | {\"specversion\":\"0.3\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"data\":{}}| UNDECODABLE | unsupported specversion '0.3'",
        "type not a string           | {\"specversion\":\"1.0\",\"id\":\"1\",\"type\":5,\"source\":\"s\",\"data\":{}}    | UNDECODABLE | non-empty string",
        "bad time                    | {\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"time\":\"yesterday\",\"data\":{}} | UNDECODABLE | RFC 3339",
        "not JSON data               | {\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"datacontenttype\":\"text/plain\",\"data\":\"x\"} | UNDECODABLE | not JSON",
        "base64 data                 | {\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"data_base64\":\"eA==\"} | UNDECODABLE | data_base64",
        "no data                     | {\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\"}            | UNDECODABLE | 'data'",
        "trailing garbage            | {\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"data\":{}} xyz | UNDECODABLE | not valid JSON",
    })
    void badInputIsRejectedWithAReason(String name, String raw, Reason reason, String message) {
        assertThatThrownBy(() -> codec.decode(raw.getBytes(UTF_8)))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    /** Bad JSON is said with its line and column and what is known of the event, never Jackson's "Source: REDACTED". */
    @Test
    void badJsonIsNamedByLineColumnAndEventWithoutJacksonsLocationNoise() {
        String trailingComma = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"type\":\"test.simple\",\"source\":\"s\",\n"
                + "\"data\":{\"name\":\"a\",}}";
        assertThatThrownBy(() -> codec.decode(trailingComma.getBytes(UTF_8))).isInstanceOf(InvalidMessageException.class)
                // the column as Jackson counts it: 20 since 2.16, 21 before
                .hasMessageMatching("not valid JSON at line 2, column 2[01]: Unexpected character \\('}' \\(code 125\\)\\): was "
                        + "expecting double-quote to start field name \\(event e-1, type 'test.simple'\\)");
        String cut = "{\"specversion\":\"1.0\",\"data\":{\"name\":\"a\"";
        assertThatThrownBy(() -> codec.decode(cut.getBytes(UTF_8))).isInstanceOf(InvalidMessageException.class)
                .hasMessageStartingWith("not valid JSON at line 1, column 40: Unexpected end-of-input")
                .hasMessageContaining("line 1, column 29") // where the unclosed object began, as Jackson says it
                .hasMessageNotContaining("Source").hasMessageNotContaining("REDACTED").hasMessageNotContaining("\n");
    }

    @Test
    void dataThatDoesNotFitIsNamedByEventFieldAndItsLineAndColumnInTheMessage() throws Exception {
        String raw = "{\"specversion\":\"1.0\",\"id\":\"e-2\",\"type\":\"test.simple\",\"source\":\"s\",\n"
                + "\"data\":{\"name\":\"a\",\n  \"number\":\"lots\"}}";
        IncomingEvent in = codec.decode(raw.getBytes(UTF_8), "test.simple", Simple.class);
        assertThatThrownBy(() -> codec.payload(in, Simple.class)).isInstanceOf(InvalidMessageException.class)
                .hasMessageStartingWith("data of event e-2 (type 'test.simple') does not fit " + Simple.class.getName()
                        + " at line 3, column 12, field 'number': Cannot deserialize value of type `long` from String \"lots\"")
                .hasMessageNotContaining("Source").hasMessageNotContaining("REDACTED");
        String sameLine = "{\"specversion\":\"1.0\",\"id\":\"e-3\",\"type\":\"test.simple\",\"source\":\"s\","
                + "\"data\":{\"name\":[1]}}";
        IncomingEvent one = codec.decode(sameLine.getBytes(UTF_8));
        assertThatThrownBy(() -> codec.payload(one, Simple.class)).hasMessageContaining(" at line 1, column " + (sameLine.indexOf("[1]") + 1)
                + ", field 'name': ");
    }

    @Test
    void invalidUtf8IsUndecodable() {
        byte[] raw = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> codec.decode(raw)).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE));
    }

    @Test
    void aMessageOverTheLimitIsTooLargeBeforeAnyParsing() {
        CloudEventCodec small = new CloudEventCodec(null, 1024);
        byte[] raw = new byte[1025];
        assertThatThrownBy(() -> small.decode(raw))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("1025 bytes").hasMessageContaining("1024");
    }

    @Test
    void dataThatDoesNotFitTheClassIsUndecodableNamingTheClass() throws Exception {
        IncomingEvent in = codec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.simple\",\"source\":\"s\","
                + "\"data\":{\"name\":\"a\",\"number\":\"not a number\"}}").getBytes(UTF_8));
        assertThatThrownBy(() -> codec.payload(in, Simple.class))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE))
                .hasMessageContaining(Simple.class.getName());
        IncomingEvent nullData = codec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.simple\",\"source\":\"s\","
                + "\"data\":null}").getBytes(UTF_8));
        assertThatThrownBy(() -> codec.payload(nullData, Simple.class)).isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void dataIsReadWhereverItStandsAndScalarDataAndStructuredExtensionsWork() throws Exception {
        IncomingEvent first = codec.decode(("{\"data\":{\"name\":\"a}\\\"\",\"number\":7},\"specversion\":\"1.0\",\"id\":\"1\","
                + "\"type\":\"test.simple\",\"source\":\"s\",\"ext\":{\"k\":[1,2]}}").getBytes(UTF_8));
        assertThat(codec.payload(first, Simple.class)).isEqualTo(new Simple("a}\"", 7));
        assertThat(first.headers()).containsEntry("ext", "{\"k\":[1,2]}");
        IncomingEvent scalar = codec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\","
                + "\"data\":12.50}").getBytes(UTF_8));
        assertThat(codec.genericPayload(scalar)).isEqualTo(new BigDecimal("12.50"));
        IncomingEvent text = codec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\","
                + "\"data\":\"plain\"}").getBytes(UTF_8));
        assertThat(codec.payload(text, String.class)).isEqualTo("plain");
        assertThatThrownBy(() -> codec.decode(("{\"specversion\":\"1.0\",\"id\":{\"a\":1},\"type\":\"t\",\"source\":\"s\","
                + "\"data\":{}}").getBytes(UTF_8))).hasMessageContaining("'id' must be a non-empty string but was {\"a\":1}");
    }

    @Test
    void dataBoundInTheAttributesPassEqualsTheTwoPassResultAndTheRestOfTheMessageIsStillRead() throws Exception {
        byte[] raw = codec.encode(envelope(sample(), "test.order-shipped"), "pub-1", 9);
        IncomingEvent bound = codec.decode(raw, "test.order-shipped", OrderShipped.class);
        IncomingEvent twoPass = codec.decode(raw);
        assertThat(bound.data().parsed()).isInstanceOf(OrderShipped.class);
        assertThat(codec.payload(bound, OrderShipped.class)).isEqualTo(codec.payload(twoPass, OrderShipped.class)).isEqualTo(sample());
        assertThat(bound).usingRecursiveComparison().ignoringFields("data").isEqualTo(twoPass);
        assertThat(new String(raw, bound.data().offset(), bound.data().length(), UTF_8))
                .isEqualTo(new String(raw, twoPass.data().offset(), twoPass.data().length(), UTF_8));

        // attributes after the data are read; bad JSON after it is still rejected
        String head = "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.simple\",\"source\":\"s\","
                + "\"data\":{\"name\":\"a\",\"number\":7}";
        IncomingEvent after = codec.decode((head + ",\"subject\":\"x\",\"ext\":[1]}").getBytes(UTF_8), "test.simple", Simple.class);
        assertThat(after.subject()).isEqualTo("x");
        assertThat(after.headers()).containsEntry("ext", "[1]");
        assertThat(codec.payload(after, Simple.class)).isEqualTo(new Simple("a", 7));
        assertThatThrownBy(() -> codec.decode((head + ",\"subject\":}").getBytes(UTF_8), "test.simple", Simple.class))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE));
        assertThatThrownBy(() -> codec.decode((head + "} {}").getBytes(UTF_8), "test.simple", Simple.class))
                .hasMessageContaining("trailing content");
        assertThatThrownBy(() -> codec.decode((head + ",\"specversion\":\"2.0\"}").getBytes(UTF_8), "test.simple", Simple.class))
                .hasMessageContaining("unsupported specversion '2.0'");
    }

    @Test
    void dataIsBoundInTheAttributesPassOnlyForTheExpectedTypeAndNeverWhenItDoesNotFit() throws Exception {
        byte[] other = ("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.other\",\"source\":\"s\","
                + "\"data\":{\"name\":\"a\",\"number\":7}}").getBytes(UTF_8);
        assertThat(codec.decode(other, "test.simple", Simple.class).data().parsed()).isNull();
        byte[] dataFirst = ("{\"data\":{\"name\":\"a\",\"number\":7},\"specversion\":\"1.0\",\"id\":\"1\","
                + "\"type\":\"test.simple\",\"source\":\"s\"}").getBytes(UTF_8);
        IncomingEvent late = codec.decode(dataFirst, "test.simple", Simple.class);
        assertThat(late.data().parsed()).isNull(); // the type was not known yet when the data passed
        assertThat(codec.payload(late, Simple.class)).isEqualTo(new Simple("a", 7));

        byte[] misfit = ("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.simple\",\"source\":\"s\","
                + "\"data\":{\"name\":\"a\",\"number\":\"not a number\"},\"subject\":\"x\"}").getBytes(UTF_8);
        IncomingEvent in = codec.decode(misfit, "test.simple", Simple.class);
        assertThat(in.subject()).isEqualTo("x");
        assertThatThrownBy(() -> codec.payload(in, Simple.class))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE))
                .hasMessageContaining(Simple.class.getName()).hasMessageContaining("not a number");
        IncomingEvent array = codec.decode(misfit, "test.simple", Simple[].class);
        assertThat(array.data().parsed()).isNull();
    }

    @Test
    void extensionAttributesFormAnImmutableMapInWhichARepeatedNameKeepsItsLastValue() throws Exception {
        IncomingEvent in = codec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\","
                + "\"a\":\"1\",\"b\":2,\"a\":\"3\",\"c\":true,\"n\":null,\"d\":\"4\",\"data\":{}}").getBytes(UTF_8));
        assertThat(in.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "3", "b", "2", "c", "true", "d", "4"));
        assertThatThrownBy(() -> in.headers().put("e", "5")).isInstanceOf(UnsupportedOperationException.class);
        IncomingEvent none = codec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\","
                + "\"data\":{}}").getBytes(UTF_8));
        assertThat(none.headers()).isEmpty();
        Envelope<Object> envelope = in.toEnvelope("p");
        assertThat(envelope.headers()).isSameAs(in.headers()); // no copy per event
    }

    @Test
    void attributesWithQuotesBackslashesControlCharactersAndUnicodeSurviveTheRoundTrip() throws Exception {
        String odd = "a\"b\\c\n\t\u0001 ü 日本 🚀 /";
        Envelope<Object> sent = new Envelope<>("id-" + odd, "test.simple", "src " + odd, null, "corr " + odd, null,
                "subj " + odd, Map.of("tenant", odd, "x-" + "ü", "y"), new Simple(odd, 1));
        byte[] bytes = codec.encode(sent, "pub " + odd, 9);

        JsonNode root = json.readTree(bytes); // valid JSON for any parser
        assertThat(root.get("subject").asText()).isEqualTo("subj " + odd);
        IncomingEvent in = codec.decode(bytes);
        assertThat(in.id()).isEqualTo("id-" + odd);
        assertThat(in.source()).isEqualTo("src " + odd);
        assertThat(in.correlationId()).isEqualTo("corr " + odd);
        assertThat(in.subject()).isEqualTo("subj " + odd);
        assertThat(in.headers()).containsEntry("tenant", odd).containsEntry("x-ü", "y").containsEntry("publisherid", "pub " + odd)
                .containsEntry("publisherseq", "9");
        assertThat(codec.payload(in, Simple.class)).isEqualTo(new Simple(odd, 1));
    }

    record Texts(String text, List<String> list, Map<String, String> map, String[] array) {
    }

    /** Strings written by the ASCII fast path must be byte for byte what Jackson writes. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "short", "exactly-thirty-one-characters-x",
            "exactly-thirty-two-characters-xx", "a long plain ascii string of more than thirty-two characters",
            "a long string with a \"quote\" in it, long enough for the fast path",
            "a long string with a back\\slash in it, long enough for the fast path",
            "a long string with a forward/slash in it: https://example.com/a/b",
            "a long string with a newline\n and a tab\t and a \u0001 control",
            "a long string ending in a non-ASCII letter, long enough: ü",
            "ü a long string starting with a non-ASCII letter, long enough",
            "a long string with a non-ASCII letter ü in the middle, long enough",
            "a long string with CJK 日本 and an emoji 🚀 in the middle, long enough",
            "a long string with the DEL character \u007f in it, long enough for it"})
    void stringsInTheDataAreWrittenExactlyAsJacksonWritesThem(String text) throws Exception {
        Texts payload = new Texts(text + text, List.of(text, "x"), Map.of("k", text), new String[] {text});
        byte[] bytes = codec.encode(envelope(payload, "test.texts"), "p", 1);

        JsonMapper.Builder builder = JsonMapper.builder();
        JacksonFeatures.writeFeature("COMBINE_UNICODE_SURROGATES_IN_UTF8").ifPresent(builder::enable);
        ObjectMapper plain = builder.build();
        String data = new String(bytes, UTF_8);
        data = data.substring(data.indexOf(",\"data\":") + 8, data.length() - 1);
        assertThat(data).isEqualTo(new String(plain.writeValueAsBytes(payload), UTF_8));
        Texts back = codec.payload(codec.decode(bytes), Texts.class);
        assertThat(back.text()).isEqualTo(text + text);
        assertThat(back.list()).containsExactly(text, "x");
        assertThat(back.map()).containsEntry("k", text);
        assertThat(back.array()).containsExactly(text);
    }

    @Test
    void aUserMapperWithItsOwnStringSerializerKeepsIt() throws Exception {
        ObjectMapper shouting = new ObjectMapper();
        shouting.registerModule(new com.fasterxml.jackson.databind.module.SimpleModule().addSerializer(String.class,
                new com.fasterxml.jackson.databind.ser.std.StdScalarSerializer<String>(String.class) {
                    @Override
                    public void serialize(String value, com.fasterxml.jackson.core.JsonGenerator g,
                            com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
                        g.writeString(value.toUpperCase());
                    }
                }));
        CloudEventCodec shoutingCodec = new CloudEventCodec(shouting, 1024 * 1024);
        String longText = "a long plain ascii string of more than thirty-two characters";

        byte[] bytes = shoutingCodec.encode(envelope(new Simple(longText, 1), "test.simple"), "p", 1);

        assertThat(json.readTree(bytes).get("data").get("name").asText()).isEqualTo(longText.toUpperCase());
    }

    @Test
    void aUserMapperThatEscapesNonAsciiStillWritesLongStringsAsItWould() throws Exception {
        ObjectMapper escaping = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();
        CloudEventCodec escapingCodec = new CloudEventCodec(escaping, 1024 * 1024);
        for (String text : List.of("a long plain ascii string of more than thirty-two characters",
                "a long string with a non-ASCII letter ü in the middle, long enough")) {
            String sent = new String(escapingCodec.encode(envelope(new Simple(text, 1), "test.simple"), "p", 1), UTF_8);
            assertThat(sent.substring(sent.indexOf(",\"data\":") + 8, sent.length() - 1))
                    .isEqualTo(escaping.writeValueAsString(new Simple(text, 1)));
        }
    }

    @Test
    void aUserMapperThatEscapesForwardSlashesStillEscapesThemInLongStrings() throws Exception {
        Optional<JsonWriteFeature> escapeSlashes = JacksonFeatures.writeFeature("ESCAPE_FORWARD_SLASHES");
        assumeTrue(escapeSlashes.isPresent(), "Jackson before 2.17 cannot escape forward slashes: nothing to check");
        ObjectMapper escaping = JsonMapper.builder().enable(escapeSlashes.get()).build();
        assertDataWrittenAsTheMapperWritesIt(escaping, "a long string with a forward/slash in it: https://example.com/a/b",
                "a long plain ascii string of more than thirty-two characters");
        assertThat(new String(new CloudEventCodec(escaping, 1024 * 1024).encode(envelope(
                new Simple("a long string with a forward/slash in it: https://example.com/a/b", 1), "test.simple"), "p", 1), UTF_8))
                .contains("forward\\/slash");
    }

    @Test
    void aUserMapperWithAnotherQuoteCharacterWritesLongStringsAsItWould() throws Exception {
        ObjectMapper quoting = new ObjectMapper(new com.fasterxml.jackson.core.JsonFactoryBuilder().quoteChar('\'').build());
        assertDataWrittenAsTheMapperWritesIt(quoting, "a long string with an apostrophe: it's long enough for the fast path",
                "a long plain ascii string of more than thirty-two characters");
    }

    private void assertDataWrittenAsTheMapperWritesIt(ObjectMapper mapper, String... texts) throws Exception {
        CloudEventCodec userCodec = new CloudEventCodec(mapper, 1024 * 1024);
        for (String text : texts) {
            String sent = new String(userCodec.encode(envelope(new Simple(text, 1), "test.simple"), "p", 1), UTF_8);
            assertThat(sent.substring(sent.indexOf(",\"data\":") + 8, sent.length() - 1))
                    .isEqualTo(mapper.writeValueAsString(new Simple(text, 1)));
        }
    }

    @Test
    void attributesThatRepeatFromEventToEventFollowTheirValueOnOneThread() throws Exception {
        String sourceA = "service-a";
        String sourceB = "service-b";
        String[] sources = {sourceA, sourceA, sourceB, new String(sourceA), sourceB, "ü-service", sourceA};
        String[] types = {"t.one", "t.one", "t.two", "t.one", "t.two", "t.two", "t.one"};
        String[] publishers = {"p1", "p1", "p2", "p2", "p1", "p1", "p1"};
        for (int i = 0; i < sources.length; i++) {
            String id = "id-" + i;
            boolean ownCorrelation = i % 2 == 0;
            Envelope<Object> sent = new Envelope<>(id, types[i], sources[i], null, ownCorrelation ? id : new String(id),
                    null, null, Map.of(), new Simple("n", i));
            IncomingEvent in = codec.decode(codec.encode(sent, publishers[i], i));
            assertThat(in.source()).isEqualTo(sources[i]);
            assertThat(in.type()).isEqualTo(types[i]);
            assertThat(in.id()).isEqualTo(id);
            assertThat(in.correlationId()).isEqualTo(id);
            assertThat(in.headers()).containsEntry("publisherid", publishers[i]).containsEntry("publisherseq", Integer.toString(i));
        }
    }

    @Test
    void generatedMessagesHostileOrNotDecodeAsAFullParseReadsThemOrFailWithAReason() throws Exception {
        ObjectMapper strictJson = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
        GeneratedDocuments documents = new GeneratedDocuments(16);
        int decoded = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] raw = documents.next();
            String shown = new String(raw, UTF_8);
            JsonNode tree;
            try {
                tree = strictJson.readTree(raw);
            } catch (IOException e) {
                tree = null;
            }
            IncomingEvent in;
            try {
                in = i % 2 == 0 ? codec.decode(raw) : codec.decode(raw, GeneratedDocuments.TYPE, GeneratedDocuments.Item.class);
            } catch (InvalidMessageException e) {
                assertThat(e.reason()).isIn(Reason.UNDECODABLE, Reason.TOO_LARGE);
                continue;
            }
            decoded++;
            assertThat(tree).as(shown).isNotNull();
            assertThat(in.id()).as(shown).isEqualTo(tree.get("id").textValue());
            assertThat(in.type()).as(shown).isEqualTo(tree.get("type").textValue());
            assertThat(in.source()).as(shown).isEqualTo(tree.get("source").textValue());
            DataSlice data = in.data();
            assertThat(strictJson.readTree(data.bytes(), data.offset(), data.length())).as(shown).isEqualTo(tree.get("data"));
            for (Map.Entry<String, String> header : in.headers().entrySet()) {
                JsonNode value = tree.get(header.getKey());
                if (value.isNumber()) {
                    assertThat(new BigDecimal(header.getValue())).as(shown).isEqualByComparingTo(value.decimalValue());
                } else if (value.isContainerNode()) {
                    assertThat(strictJson.readTree(header.getValue())).as(shown).isEqualTo(value);
                } else {
                    assertThat(header.getValue()).as(shown).isEqualTo(value.asText());
                }
            }
        }
        assertThat(decoded).isGreaterThan(500);
    }

    @Test
    void aCorrelationIdEqualToTheIdIsWrittenAlikeWhetherOrNotItIsTheSameString() {
        for (String id : new String[] {"id-1", "caf\u00e9 \"quoted\"\n"}) {
            Envelope<Object> same = new Envelope<>(id, "t.one", "s", null, id, null, null, Map.of(), new Simple("n", 1));
            Envelope<Object> equal = new Envelope<>(id, "t.one", "s", null, new String(id), null, null, Map.of(), new Simple("n", 1));
            assertThat(new String(codec.encode(equal, "p", 1), UTF_8))
                    .isEqualTo(new String(codec.encode(same, "p", 1), UTF_8));
        }
    }

    record Nested(String name) {
    }

    @Test
    void encodingInsideAPayloadSerializerDoesNotCorruptTheOuterEvent() throws Exception {
        CloudEventCodec[] codecs = new CloudEventCodec[1];
        com.fasterxml.jackson.databind.module.SimpleModule module = new com.fasterxml.jackson.databind.module.SimpleModule();
        module.addSerializer(Nested.class, new com.fasterxml.jackson.databind.JsonSerializer<Nested>() {
            @Override
            public void serialize(Nested value, com.fasterxml.jackson.core.JsonGenerator g,
                    com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
                byte[] inner = codecs[0].encode(envelope(new Simple("inner", 1), "test.simple"), "p", 1);
                g.writeString(Integer.toString(json.readTree(inner).get("data").get("number").asInt()));
            }
        });
        ObjectMapper withModule = new ObjectMapper();
        withModule.registerModule(module);
        codecs[0] = new CloudEventCodec(withModule, 1024 * 1024);

        JsonNode outer = json.readTree(codecs[0].encode(envelope(new Nested("x"), "test.nested"), "p", 2));

        assertThat(outer.get("type").asText()).isEqualTo("test.nested");
        assertThat(outer.get("publisherseq").asLong()).isEqualTo(2);
        assertThat(outer.get("data").asText()).isEqualTo("1");
    }

    @Test
    void unknownDataPropertiesAreIgnoredForForwardCompatibility() throws Exception {
        IncomingEvent in = codec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.simple\",\"source\":\"s\","
                + "\"data\":{\"name\":\"a\",\"number\":5,\"addedLater\":[1]}}").getBytes(UTF_8));
        assertThat(codec.payload(in, Simple.class)).isEqualTo(new Simple("a", 5));
    }

    @Test
    void aUserMapperIsCopiedAndKeepsItsOwnSettings() throws Exception {
        ObjectMapper strict = new ObjectMapper(); // fails on unknown properties
        CloudEventCodec strictCodec = new CloudEventCodec(strict, 1024 * 1024);
        IncomingEvent in = strictCodec.decode(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.simple\",\"source\":\"s\","
                + "\"data\":{\"name\":\"a\",\"number\":5,\"addedLater\":1}}").getBytes(UTF_8));
        assertThatThrownBy(() -> strictCodec.payload(in, Simple.class)).isInstanceOf(InvalidMessageException.class);
        assertThat(strict.getRegisteredModuleIds()).isEmpty();
    }

    // ---------------------------------------------------------------- interoperability with the CloudEvents SDK

    private static EventFormat sdkFormat() {
        return EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
    }

    @Test
    void theOfficialCloudEventsSdkReadsWhatWeWrite() throws Exception {
        OrderShipped sent = sample();
        byte[] bytes = codec.encode(envelope(sent, "test.order-shipped"), "pub-1", 42);

        CloudEvent event = sdkFormat().deserialize(bytes);

        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getId()).isEqualTo("01890a5d-ac96-774b-bcce-b302099a8057");
        assertThat(event.getType()).isEqualTo("test.order-shipped");
        assertThat(event.getSource()).isEqualTo(URI.create("orders-service"));
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-26T10:15:30.123456Z"));
        assertThat(event.getSubject()).isEqualTo("order-1");
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getExtension("correlationid")).isEqualTo("corr-1");
        assertThat(event.getExtension("causationid")).isEqualTo("cause-1");
        assertThat(event.getExtension("tenant")).isEqualTo("acme");
        assertThat(event.getExtension("publisherid")).isEqualTo("pub-1");
        assertThat(((Number) event.getExtension("publisherseq")).longValue()).isEqualTo(42);
        JsonNode data = json.readTree(event.getData().toBytes());
        assertThat(data.get("orderId").asText()).isEqualTo("o-1");
        assertThat(data.get("to").get("city").asText()).isEqualTo("Zürich");
    }

    @Test
    void weReadWhatTheOfficialCloudEventsSdkWrites() throws Exception {
        CloudEvent event = CloudEventBuilder.v1()
                .withId("sdk-1")
                .withType("test.simple")
                .withSource(URI.create("https://example.com/sdk"))
                .withTime(OffsetDateTime.parse("2026-01-02T03:04:05.678+01:00"))
                .withSubject("agg-9")
                .withDataContentType("application/json")
                .withExtension("correlationid", "flow-9")
                .withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withData("{\"name\":\"from sdk\",\"number\":9}".getBytes(UTF_8))
                .build();
        byte[] bytes = sdkFormat().serialize(event);

        IncomingEvent in = codec.decode(bytes);

        assertThat(codec.payload(in, Simple.class)).isEqualTo(new Simple("from sdk", 9));
        assertThat(in.id()).isEqualTo("sdk-1");
        assertThat(in.type()).isEqualTo("test.simple");
        assertThat(in.source()).isEqualTo("https://example.com/sdk");
        assertThat(in.time()).isEqualTo(Instant.parse("2026-01-02T02:04:05.678Z"));
        assertThat(in.subject()).isEqualTo("agg-9");
        assertThat(in.correlationId()).isEqualTo("flow-9");
        assertThat(in.headers()).containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(in.headers().keySet()).doesNotContainAnyElementsOf(Set.of("id", "type", "data", "specversion"));
    }
}
