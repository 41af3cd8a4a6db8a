package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.herald.internal.codec.GeneratedDocuments;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PublisherStampReaderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMessageWithoutAStampIsNotMalformedAfterOneWithABadStamp() {
        PublisherStampReader stamp = new PublisherStampReader();
        assertThat(stamp.read(bytes("{\"specversion\":\"1.0\",\"publisherid\":\"p\",\"publisherseq\":\"abc\",\"data\":{}}")))
                .isFalse();
        assertThat(stamp.malformed).isTrue();
        assertThat(stamp.read(bytes("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"t\",\"data\":{}}"))).isFalse();
        assertThat(stamp.malformed).isFalse();
        assertThat(stamp.read(bytes("not json at all"))).isFalse();
        assertThat(stamp.malformed).isFalse();
    }

    @Test
    void aStampInsideAnotherAttributeIsNoStampAndAnEscapedOneIsDecoded() {
        PublisherStampReader stamp = new PublisherStampReader();
        assertThat(read(stamp, bytes("{\"specversion\":\"1.0\",\"ext\":{\"publisherid\":\"evil\",\"publisherseq\":5},"
                + "\"id\":\"1\",\"data\":{}}"))).isEqualTo("none");
        assertThat(read(stamp, bytes("{\"id\":\"1\",\"publisherid\":\"p\\u0031\",\"publisherseq\":3,\"data\":{}}")))
                .isEqualTo("p1#3");
        assertThat(read(stamp, bytes("{\"specversion\":\"1.0\",\"publisherid\":\"p\",\"publisherseq\":7,\"id\":\"1\"}")))
                .isEqualTo("p#7");
    }

    /** What a reading gives: the stamp, "malformed", or "none". */
    private static String read(PublisherStampReader reader, byte[] message) {
        return reader.read(message) ? reader.id() + "#" + reader.sequence : reader.malformed ? "malformed" : "none";
    }

    private static final ObjectMapper LENIENT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final ObjectMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The stamp as a full parse of the message reads it (of a repeated key, the last). */
    private static String parsed(byte[] message) {
        JsonNode tree;
        try {
            tree = LENIENT.readTree(message);
        } catch (Exception e) {
            return "none";
        }
        JsonNode id = tree == null ? null : tree.get("publisherid");
        JsonNode seq = tree == null ? null : tree.get("publisherseq");
        if (id == null || !id.isTextual() || seq == null) {
            return "none";
        }
        return seq.isIntegralNumber() && seq.canConvertToLong() && seq.asLong() >= 0 ? id.textValue() + "#" + seq.asLong() : "malformed";
    }

    private static boolean validWithoutRepeatedKeys(byte[] message) {
        try {
            STRICT.readTree(message);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static final Pattern HERALD_OPENING =
            Pattern.compile("^\\{\"specversion\":\"1\\.0\",\"publisherid\":\"([^\"\\\\\\x00-\\x1f]*)\",\"publisherseq\":(0|[1-9][0-9]{0,18}),");

    /** The stamp in Herald's own opening, or null when the message does not open so. */
    private static @Nullable String opening(byte[] message) {
        Matcher m = HERALD_OPENING.matcher(new String(message, StandardCharsets.UTF_8));
        if (!m.find()) {
            return null;
        }
        try {
            return m.group(1) + "#" + Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return null; // past the long range
        }
    }

    @Test
    void generatedMessagesHostileOrNotReadAsAFullParseReadsThem() {
        GeneratedDocuments documents = new GeneratedDocuments(17);
        PublisherStampReader reader = new PublisherStampReader();
        int stamped = 0;
        int byOpening = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] message = documents.next();
            String actual = read(reader, message);
            String shown = new String(message, StandardCharsets.UTF_8);
            if (validWithoutRepeatedKeys(message)) {
                assertThat(actual).as(shown).isEqualTo(parsed(message));
            } else {
                // a message that opens as Herald writes is read from its opening alone, whatever follows
                // (a repeated key, a broken rest); any other as a full parse reads it
                String opening = opening(message);
                assertThat(actual).as(shown).isEqualTo(opening != null ? opening : parsed(message));
            }
            stamped += actual.contains("#") ? 1 : 0;
            byOpening += opening(message) != null ? 1 : 0;
        }
        assertThat(stamped).isGreaterThan(1_000);
        assertThat(byOpening).isGreaterThan(500);
    }
}
