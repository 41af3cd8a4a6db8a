package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.internal.codec.WireLayout;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatEventTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aHeartbeatIsACloudEventOfTheReservedTypeWithItsOwnIdAndSequenceNumber() throws Exception {
        Instant at = Instant.parse("2026-11-28T05:18:49.123Z");
        HeartbeatEvent heartbeats = new HeartbeatEvent("orders \"eu\"\\1", "instance-ü", Clock.fixed(at, ZoneOffset.UTC));

        JsonNode first = json.readTree(heartbeats.encode(1));
        JsonNode second = json.readTree(heartbeats.encode(2));

        assertThat(first.get("specversion").asText()).isEqualTo("1.0");
        assertThat(first.get("type").asText()).isEqualTo("herald.heartbeat");
        assertThat(first.get("source").asText()).isEqualTo("orders \"eu\"\\1");
        assertThat(first.get("time").asText()).isEqualTo("2026-11-28T05:18:49.123Z");
        assertThat(first.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(first.get("data").get("instance").asText()).isEqualTo("instance-ü");
        assertThat(first.get("data").get("seq").asLong()).isEqualTo(1);
        assertThat(second.get("data").get("seq").asLong()).isEqualTo(2);
        assertThat(first.get("id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
                .isNotEqualTo(second.get("id").asText());
    }

    @Test
    void aHeartbeatWritesItsAttributesInTheWireLayoutsOrder() throws Exception {
        HeartbeatEvent heartbeats = new HeartbeatEvent("orders", "instance-1", Clock.systemUTC());

        List<String> names = new ArrayList<>();
        json.readTree(heartbeats.encode(1)).fieldNames().forEachRemaining(names::add);

        assertThat(names).isEqualTo(WireLayout.ORDER.stream().filter(names::contains).toList());
    }
}
