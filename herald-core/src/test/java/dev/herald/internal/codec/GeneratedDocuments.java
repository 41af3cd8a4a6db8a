package dev.herald.internal.codec;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.herald.Envelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random messages for the tests that check that every reader of the wire agrees with a
 * full JSON parse: events Herald's encoder writes (with hostile strings inside), documents put
 * together attribute by attribute (escapes, unicode, duplicate keys, keys inside data, nested
 * objects and arrays, numbers, missing attributes, whitespace, huge strings), and both cut short
 * or with a byte changed. The same seed gives the same documents.
 */
public final class GeneratedDocuments {

    /** The data class the documents' data usually fits, as type {@link #TYPE}. */
    public record Item(String name, long number, List<String> tags) {
    }

    public static final String TYPE = "test.item";

    private static final String[] NAMES = {WireLayout.SPECVERSION, WireLayout.ID, WireLayout.SOURCE, WireLayout.TYPE,
            WireLayout.TIME, WireLayout.DATA_CONTENT_TYPE, WireLayout.SUBJECT, WireLayout.CORRELATION_ID,
            WireLayout.CAUSATION_ID, WireLayout.DATA, WireLayout.DATA_BASE64, WireLayout.DATA_SCHEMA,
            WireLayout.PUBLISHER_ID, WireLayout.PUBLISHER_SEQ, "tenant", "traceparent", "ext1"};

    private final Random random;
    private final CloudEventCodec codec = new CloudEventCodec(null, 16 * 1024 * 1024);

    public GeneratedDocuments(long seed) {
        this.random = new Random(seed);
    }

    /** The next document, as UTF-8 bytes (not always valid UTF-8, nor JSON). */
    public byte[] next() {
        byte[] doc = switch (random.nextInt(3)) {
            case 0 -> nextEncoded();
            default -> assembled().getBytes(UTF_8);
        };
        return switch (random.nextInt(10)) {
            case 0 -> Arrays.copyOf(doc, random.nextInt(doc.length + 1)); // cut short
            case 1 -> {
                byte[] changed = doc.clone();
                if (changed.length > 0) {
                    changed[random.nextInt(changed.length)] = (byte) "\"\\{}[],:0 x\u00e9".charAt(random.nextInt(12));
                }
                yield changed;
            }
            case 2 -> concat(doc, pick(" ", "x", "{}", "\n", ",", "}").getBytes(UTF_8)); // trailing content
            default -> doc;
        };
    }

    /** An event as Herald's encoder writes it, with random (often hostile) attribute values. */
    public byte[] nextEncoded() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            headers.put(pick("tenant", "traceparent", "ext" + random.nextInt(3), "x-y"), text());
        }
        String id = random.nextBoolean() ? "01890a5d-ac96-774b-bcce-b302099a8057" : text();
        Envelope<Object> envelope = new Envelope<>(nonEmpty(id), random.nextInt(4) == 0 ? "test.other" : TYPE,
                nonEmpty(text()), random.nextBoolean() ? null : Instant.ofEpochSecond(random.nextInt(2_000_000_000),
                        random.nextInt(3) * 123_456_000), random.nextBoolean() ? id : optional(), optional(), optional(),
                headers, random.nextInt(5) == 0 ? List.of(text(), 7) : new Item(text(), random.nextLong(), List.of(text())));
        String publisher = random.nextInt(5) == 0 ? null : random.nextBoolean() ? "publisher-1" : nonEmpty(text());
        return codec.encode(envelope, publisher, random.nextInt(3) == 0 ? Long.MAX_VALUE - random.nextInt(2) : random.nextInt(1000));
    }

    /** A document put together member by member: usually an event, often a hostile one. */
    private String assembled() {
        List<String> members = new ArrayList<>();
        if (random.nextInt(3) > 0) { // Herald's own opening
            members.add(member(WireLayout.SPECVERSION, "\"1.0\""));
            if (random.nextInt(4) > 0) {
                members.add(member(WireLayout.PUBLISHER_ID, random.nextBoolean() ? "\"publisher-1\"" : value()));
                members.add(member(WireLayout.PUBLISHER_SEQ, random.nextInt(3) > 0 ? sequence() : value()));
            }
        }
        String[] usual = {WireLayout.SPECVERSION, WireLayout.ID, WireLayout.SOURCE, WireLayout.TYPE, WireLayout.TIME,
                WireLayout.DATA_CONTENT_TYPE, WireLayout.SUBJECT, WireLayout.CORRELATION_ID, WireLayout.CAUSATION_ID};
        for (String name : usual) {
            if (random.nextInt(8) > 0) { // now and then an attribute is missing
                members.add(member(name, attributeValue(name)));
            }
        }
        for (int i = random.nextInt(4); i > 0; i--) { // anything, anywhere: extensions, duplicates, stamps
            members.add(random.nextInt(members.size() + 1), member(escapedName(pick(NAMES)), value()));
        }
        if (random.nextInt(10) > 0) {
            members.add(random.nextInt(4) == 0 ? random.nextInt(members.size() + 1) : members.size(),
                    member(WireLayout.DATA, random.nextInt(5) > 0 ? item() : value()));
        }
        StringBuilder doc = new StringBuilder(space()).append('{');
        for (int i = 0; i < members.size(); i++) {
            doc.append(i > 0 ? space() + "," : "").append(space()).append(members.get(i));
        }
        return doc.append(space()).append('}').append(space()).toString();
    }

    private String member(String quotedName, String value) {
        String name = quotedName.startsWith("\"") ? quotedName : "\"" + quotedName + "\"";
        return name + space() + ":" + space() + value;
    }

    /** A name, now and then with an escape that a parser decodes to the same name. */
    private String escapedName(String name) {
        if (random.nextInt(6) == 0 && !name.isEmpty()) {
            int i = random.nextInt(name.length());
            return "\"" + name.substring(0, i) + String.format("\\u%04x", (int) name.charAt(i)) + name.substring(i + 1) + "\"";
        }
        return name;
    }

    private String attributeValue(String name) {
        if (random.nextInt(6) == 0) {
            return value();
        }
        return switch (name) {
            case WireLayout.SPECVERSION -> random.nextInt(10) > 0 ? "\"1.0\"" : pick("\"0.3\"", "\"\"", "\"1.\\u0030\"");
            case WireLayout.TIME -> "\"" + pick("2026-11-26T10:15:30Z", "2026-11-26T10:15:30.123456Z", "2026-11-26T10:15:30+02:00",
                    "2026-11-26T10:15:30.1-05:30", "2026-02-30T10:15:30Z", "2026-11-26 10:15:30Z", "2026-11-26T24:00:00Z",
                    "+12026-11-26T10:15:30Z", "2026-11-26T10:15:30.1234567891Z", "2026-11-26T10:15:30z") + "\"";
            case WireLayout.DATA_CONTENT_TYPE -> "\"" + pick("application/json", "application/json; charset=utf-8",
                    "text/plain", "application/cloudevents+json", "TEXT/JSON") + "\"";
            case WireLayout.TYPE -> random.nextInt(3) > 0 ? "\"" + TYPE + "\"" : string();
            default -> string();
        };
    }

    /** Data that fits {@link Item}, or nearly. */
    private String item() {
        return "{" + space() + "\"name\":" + string() + ",\"number\":" + pick("7", "-3", "1.5", "\"7\"", "9223372036854775808")
                + ",\"tags\":[" + string() + "," + pick("\"type\"", "{\"publisherid\":\"evil\",\"publisherseq\":9}", "\"a\"")
                + "]" + (random.nextBoolean() ? ",\"type\":\"inside\",\"publisherid\":\"inside\",\"publisherseq\":1" : "") + "}";
    }

    /** Any JSON value, or nearly. */
    private String value() {
        return switch (random.nextInt(9)) {
            case 0, 1, 2 -> string();
            case 3 -> sequence();
            case 4 -> pick("true", "false", "null", "-0", "1e3", "1.0", "-1", "00", "+1", "NaN", "0x10");
            case 5 -> "{" + space() + "\"" + pick(NAMES) + "\":" + (random.nextBoolean() ? string() : sequence()) + "}";
            case 6 -> "[" + string() + "," + sequence() + ",[{}]," + "null]";
            case 7 -> item();
            default -> "\"" + "x".repeat(random.nextInt(20) == 0 ? 70_000 : 40) + "\"";
        };
    }

    /** A publisher sequence number, or something near one. */
    private String sequence() {
        return pick("0", "1", "42", String.valueOf(Long.MAX_VALUE), "9223372036854775808", "99999999999999999999",
                "007", "-1", "1.0", "1e2", "\"5\"", "null", String.valueOf(random.nextInt(1_000_000)));
    }

    /** A JSON string literal, with escapes, unicode and specials now and then. */
    private String string() {
        StringBuilder s = new StringBuilder("\"");
        if (random.nextBoolean()) {
            return s.append("plain-").append(random.nextInt(100)).append('"').toString();
        }
        for (int i = random.nextInt(12); i > 0; i--) {
            s.append(switch (random.nextInt(16)) {
                case 0 -> "\\\"";
                case 1 -> "\\\\";
                case 2 -> "\\n";
                case 3 -> "\\u00e9";
                case 4 -> "\\ud83d\\ude00";
                case 5 -> "\u00e9";
                case 6 -> "\ud83d\ude00";
                case 7 -> "/";
                case 8 -> "\\/";
                case 9 -> "\"publisherid\":\"";
                case 10 -> "\t"; // a raw control character: not valid JSON
                default -> (char) ('a' + random.nextInt(26));
            });
        }
        return s.append('"').toString();
    }

    /** Plain text for the encoder, hostile now and then. */
    private String text() {
        return switch (random.nextInt(10)) {
            case 0 -> "caf\u00e9 \ud83d\ude00";
            case 1 -> "quote\" back\\slash\n\u0001";
            case 2 -> "x".repeat(random.nextInt(20) == 0 ? 70_000 : 50);
            case 3 -> "\"publisherid\":\"p\",\"publisherseq\":1,";
            default -> "value-" + random.nextInt(100);
        };
    }

    private String optional() {
        return random.nextBoolean() ? null : text();
    }

    private static String nonEmpty(String s) {
        return s.isEmpty() ? "x" : s;
    }

    private String space() {
        return random.nextInt(8) == 0 ? pick(" ", "\n", "\t ", "\r\n") : "";
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
