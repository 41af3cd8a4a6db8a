package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The names Herald uses in Redis, as a program in another language would compute them. */
class RedisKeysTest {

    @Test
    void aShardHeartbeatTagsItsChannelsNameSoThatBothShareASlot() {
        assertThat(RedisKeys.shardHeartbeat("herald", "a1b2", "order.placed"))
                .isEqualTo("herald:heartbeat:a1b2:{herald:order.placed}");
        assertThat(RedisKeys.shardHeartbeat("herald", "a1b2", "{orders}.placed"))
                .as("a channel with a hash tag: the tag decides").isEqualTo("herald:heartbeat:a1b2:{orders}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order.placed", "{orders}.placed", "orders}.placed", "{}orders", "a{b}c{d}", "{", "}", "x{y", "é.ü"})
    void aShardHeartbeatIsInTheSlotOfItsChannelWhateverBracesTheTypeHas(String type) {
        String heartbeat = RedisKeys.shardHeartbeat("herald", "a1b2", type);

        assertThat(heartbeat).startsWith("herald:heartbeat:a1b2:{");
        assertThat(SlotHash.getSlot(heartbeat)).as(heartbeat).isEqualTo(SlotHash.getSlot(RedisKeys.channel("herald", type)));
    }

    @Test
    void onAClusterAnInstanceIdWithBracesIsRefusedForItWouldTakeTheHeartbeatsTag() {
        RedisClusterClient client = RedisClusterClient.create("redis://127.0.0.1:1"); // never connected
        try {
            assertThatThrownBy(() -> RedisEventBus.builder(client).instanceId("node{7}").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceId 'node{7}'")
                    .hasMessageContaining("without braces");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ZERO);
        }
    }
}
