package dev.herald.internal.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.Metadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the encoder writes is the layout {@link WireLayout} describes, for any event. */
class WireLayoutTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theEncoderWritesTheAttributesInTheLayoutsOrder() throws Exception {
        GeneratedDocuments documents = new GeneratedDocuments(3);
        for (int i = 0; i < 2_000; i++) {
            byte[] raw = documents.nextEncoded();
            String message = new String(raw, UTF_8);
            assertThat(message).as(message).startsWith(new String(WireLayout.OPENING, UTF_8)).doesNotContain("\n", " :");
            List<Integer> places = new ArrayList<>();
            for (Iterator<String> names = json.readTree(raw).fieldNames(); names.hasNext(); ) {
                int place = WireLayout.ORDER.indexOf(names.next());
                // headers (not in ORDER) come after causationid and before data
                places.add(place >= 0 ? 2 * place : 2 * WireLayout.ORDER.indexOf(WireLayout.CAUSATION_ID) + 1);
            }
            assertThat(places).as(message).isSorted();
        }
    }

    @Test
    void aStampedMessageHasItsStampWhereTheLayoutSays() throws Exception {
        GeneratedDocuments documents = new GeneratedDocuments(4);
        int stamped = 0;
        for (int i = 0; i < 2_000; i++) {
            byte[] raw = documents.nextEncoded();
            JsonNode tree = json.readTree(raw);
            int idStart = WireLayout.publisherIdStart(raw);
            assertThat(idStart >= 0).as(new String(raw, UTF_8)).isEqualTo(tree.has(WireLayout.PUBLISHER_ID));
            if (idStart < 0) {
                continue;
            }
            stamped++;
            String id = tree.get(WireLayout.PUBLISHER_ID).asText();
            byte[] written = JsonStringEncoder.getInstance().quoteAsUTF8(id); // escaped as the encoder escapes it
            int closingQuote = idStart + written.length;
            assertThat(Arrays.copyOfRange(raw, idStart, closingQuote)).isEqualTo(written);
            assertThat(raw[closingQuote]).isEqualTo((byte) '"');
            int seqStart = WireLayout.publisherSeqStart(raw, closingQuote);
            assertThat(seqStart).isPositive();
            String seq = tree.get(WireLayout.PUBLISHER_SEQ).asText();
            assertThat(new String(raw, seqStart, seq.length(), UTF_8)).isEqualTo(seq);
        }
        assertThat(stamped).isGreaterThan(1_000);
    }

    @Test
    void aMessageThatDoesNotOpenAsHeraldWritesHasNoStampPlace() {
        assertThat(WireLayout.publisherIdStart("{\"specversion\":\"1.0\",\"id\":\"x\"}".getBytes(UTF_8))).isEqualTo(-1);
        assertThat(WireLayout.publisherIdStart("{ \"specversion\":\"1.0\",\"publisherid\":\"p\"}".getBytes(UTF_8))).isEqualTo(-1);
        assertThat(WireLayout.publisherIdStart("{\"specversion\":\"1.0\",\"publisherid\":\"".getBytes(UTF_8))).isEqualTo(-1);
    }

    @Test
    void theNamesMetadataReservesAreTheAttributesOfTheLayout() {
        assertThat(Metadata.RESERVED_NAMES).containsExactlyInAnyOrder(WireLayout.SPECVERSION, WireLayout.ID,
                WireLayout.SOURCE, WireLayout.TYPE, WireLayout.TIME, WireLayout.DATA_CONTENT_TYPE,
                WireLayout.DATA_SCHEMA, WireLayout.SUBJECT, WireLayout.DATA, WireLayout.DATA_BASE64,
                WireLayout.CORRELATION_ID, WireLayout.CAUSATION_ID, WireLayout.PUBLISHER_ID, WireLayout.PUBLISHER_SEQ);
    }
}
