package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {

    @Test
    void withersBuildNewValuesAndLeaveTheOriginalAlone() {
        Metadata base = Metadata.correlationId("req-7");
        Metadata more = base.withSubject("order-1").withCausationId("e-1").withHeader("tenant", "acme");

        assertThat(base.subject()).isNull();
        assertThat(base.headers()).isEmpty();
        assertThat(more).isEqualTo(new Metadata("req-7", "e-1", "order-1", Map.of("tenant", "acme")));
        assertThat(Metadata.empty().correlationId()).isNull();
    }

    @Test
    void headersAreCopied() {
        Map<String, String> headers = new HashMap<>(Map.of("a", "1"));
        Metadata metadata = new Metadata(null, null, null, headers);
        headers.put("b", "2");
        assertThat(metadata.headers()).containsOnlyKeys("a");
        assertThatThrownBy(() -> metadata.headers().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void headerNamesMustBeCloudEventsExtensionNamesAndNotReserved() {
        assertThatThrownBy(() -> Metadata.empty().withHeader("Tenant-Id", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Tenant-Id'")
                .hasMessageContaining("lower-case letters or digits");
        assertThatThrownBy(() -> Metadata.empty().withHeader("abcdefghijklmnopqrstu", "x"))
                .hasMessageContaining("1 to 20");
        assertThatThrownBy(() -> Metadata.empty().withHeader("correlationid", "x"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> Metadata.empty().withHeader("publisherseq", "1")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> Metadata.empty().withHeader("ok", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ok");
    }

    @Test
    void blankIdsAreRejected() {
        assertThatThrownBy(() -> Metadata.correlationId(" ")).hasMessageContaining("correlationId").hasMessageContaining("blank");
        assertThatThrownBy(() -> Metadata.empty().withSubject("")).hasMessageContaining("subject");
    }
}
