package dev.herald.internal.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Envelope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shortcut for messages in Herald's plain form reads exactly what the JSON parser reads, and leaves everything else to it. */
class PlainAttributeScannerTest {

    record Item(String name, long number, List<String> tags) {
    }

    private final CloudEventCodec codec = new CloudEventCodec(null, 1024 * 1024);

    /** What a decoding gives: the event's fields, or the error's reason and message. */
    private static String outcome(ThrowingDecode decode) {
        try {
            IncomingEvent e = decode.run();
            if (e == null) {
                return "none";
            }
            DataSlice d = e.data();
            return "event " + e.id() + "|" + e.type() + "|" + e.source() + "|" + e.time() + "|" + e.correlationId() + "|"
                    + e.causationId() + "|" + e.subject() + "|" + e.headers() + "|data="
                    + new String(d.bytes(), d.offset(), d.length(), UTF_8) + "|parsed=" + d.parsed();
        } catch (InvalidMessageException ex) {
            return "error " + ex.reason() + ": " + ex.getMessage();
        }
    }

    interface ThrowingDecode {
        IncomingEvent run() throws InvalidMessageException;
    }

    private void assertSameEitherWay(String message, boolean plain) throws Exception {
        assertSameEitherWay(message.getBytes(UTF_8), plain, Item.class);
    }

    /** Whether the shortcut read the message (for one of the two ways of decoding). */
    private boolean assertSameEitherWay(byte[] raw, boolean plain, Class<?> itemClass) throws Exception {
        String message = new String(raw, UTF_8);
        boolean anyTaken = false;
        for (Class<?> dataClass : new Class<?>[] {null, itemClass}) {
            String expectedType = dataClass == null ? null : "test.item";
            String parsed = outcome(() -> codec.decodeParsed(raw, expectedType, dataClass));
            assertThat(outcome(() -> codec.decode(raw, expectedType, dataClass))).as(message).isEqualTo(parsed);
            boolean[] taken = {true};
            String scanned = outcome(() -> {
                IncomingEvent e = codec.decodeScanned(raw, expectedType, dataClass);
                if (e == null) {
                    taken[0] = false;
                }
                return e;
            });
            if (plain) {
                assertThat(taken[0]).as("the shortcut reads " + message).isTrue();
            }
            if (taken[0]) {
                assertThat(scanned).as(message).isEqualTo(parsed);
            }
            anyTaken |= taken[0];
        }
        return anyTaken;
    }

    @Test
    void generatedDocumentsHostileOrNotReadTheSameEitherWay() throws Exception {
        GeneratedDocuments documents = new GeneratedDocuments(16);
        int taken = 0;
        int count = 5_000;
        for (int i = 0; i < count; i++) {
            if (assertSameEitherWay(documents.next(), false, GeneratedDocuments.Item.class)) {
                taken++;
            }
        }
        assertThat(taken).as("documents the shortcut read").isGreaterThan(count / 25);
    }

    @Test
    void eventsHeraldWritesTakeTheShortcutAndReadTheSame() throws Exception {
        Item item = new Item("widget", 7, List.of("a", "b"));
        String id = "01890a5d-ac96-774b-bcce-b302099a8057";
        List<Envelope<Object>> envelopes = List.of(
                new Envelope<>(id, "test.item", "orders-service", Instant.parse("2026-11-26T10:15:30.123456Z"), id, null,
                        null, Map.of(), item),
                new Envelope<>(id, "test.item", "orders-service", Instant.parse("2026-11-26T10:15:30Z"), "corr-1", "cause-1",
                        "order-1", Map.of("tenant", "acme", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                        item),
                new Envelope<>(id, "test.other", "https://example.com/x", null, null, null, null, Map.of(), item));
        for (Envelope<Object> envelope : envelopes) {
            for (String publisher : new String[] {null, "publisher-1"}) {
                assertSameEitherWay(new String(codec.encode(envelope, publisher, 42), UTF_8), true);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // plain, in other shapes: whitespace, data first, an array, numbers and a repeated name
        " {\n  \"specversion\" : \"1.0\",\n  \"id\" : \"1\",\n  \"type\" : \"test.item\",\n  \"source\" : \"s\",\n  \"data\" : {\"name\":\"n\",\"number\":1,\"tags\":[]}\n}\n ",
        "{\"data\":{\"name\":\"n\",\"number\":1,\"tags\":[]},\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\"}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.list\",\"source\":\"s\",\"data\":[1,2,3]}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"seq\":-12,\"zero\":0,\"neg\":-0,\"data\":{\"name\":\"n\",\"number\":1,\"tags\":[]}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"id\":\"2\",\"x\":\"a\",\"x\":\"b\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{\"name\":\"n\",\"number\":1,\"tags\":[]}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{\"name\":\"n\",\"number\":1,\"tags\":[]},\"data\":{\"name\":\"m\",\"number\":2,\"tags\":[]}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"time\":\"2026-01-02T03:04:05.678+01:00\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"datacontenttype\":\"text/plain\",\"data\":{}}",
        "{\"specversion\":\"0.3\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"time\":\"yesterday\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\"}",
        "{\"specversion\":\"1.0\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{}",
    })
    void plainMessagesValidOrNotReadTheSameEitherWay(String message) throws Exception {
        assertSameEitherWay(message, true);
    }

    @Test
    void manyExtensionsInChangingOrderKeepTheirNames() throws Exception {
        for (int round = 0; round < 3; round++) {
            StringBuilder message = new StringBuilder("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\"");
            for (int i = 0; i < 12; i++) {
                int n = (i * 5 + round * 7) % 12; // every round another order, more names than are remembered
                message.append(",\"ext").append(n).append("\":\"v").append(n).append('"');
            }
            assertSameEitherWay(message.append(",\"data\":{}}").toString(), true);
            IncomingEvent in = codec.decode(message.toString().getBytes(UTF_8));
            for (int n = 0; n < 12; n++) {
                assertThat(in.headers()).containsEntry("ext" + n, "v" + n);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // not plain: the parser reads them (and the shortcut, if it answers at all, agrees)
        "{\"specversion\":\"1.0\",\"id\":\"\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":5,\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}x",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}},",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{\"name\":}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":\"text\"}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":null}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data_base64\":\"AAA=\"}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"dataschema\":\"x\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"subject\":null,\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"ext\":{\"a\":1},\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"ext\":true,\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"ext\":1.5,\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"ext\":007,\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"ext\":-,\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"ext\":12ab,\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"a\\\"b\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"a\\\\b\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"\\u0041\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"x\\u0041\":\"1\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"tab\there\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"ü\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",\"data\":{\"name\":\"n\",\"number\":\"x\",\"tags\":[]}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\" \"data\":{}}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"s\",}",
        "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\",\"source\":\"unterminated",
        "[1,2]",
        "",
        "   ",
    })
    void everythingElseIsLeftToTheParser(String message) throws Exception {
        assertSameEitherWay(message, false);
    }

    @Test
    void anEventWhoseDataDoesNotFitItsClassReadsTheSameEitherWay() throws Exception {
        @Nullable IncomingEvent scanned = codec.decodeScanned(("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"test.item\","
                + "\"source\":\"s\",\"data\":{\"number\":\"not a number\"}}").getBytes(UTF_8), "test.item", Item.class);
        assertThat(scanned).isNull(); // the parser's path finds the data as JSON, and payload() says why it does not fit
    }
}
