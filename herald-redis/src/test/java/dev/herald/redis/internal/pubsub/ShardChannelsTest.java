package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.redis.RedisKeys;
import org.junit.jupiter.api.Test;

class ShardChannelsTest {

    private final ShardChannels channels = new ShardChannels();

    private static ShardChannel orders() {
        return new ShardChannel(RedisKeys.channel("herald", "orders"), RedisKeys.shardHeartbeat("herald", "i1", "orders"));
    }

    @Test
    void aChannelAddedUnderTheLockIsFoundByNameAndByItsHeartbeatUntilRemoved() {
        ShardChannel orders = orders();
        channels.lock().lock();
        try {
            channels.add(orders);
        } finally {
            channels.lock().unlock();
        }

        assertThat(channels.named("herald:orders")).isSameAs(orders);
        assertThat(channels.ofHeartbeat(orders.heartbeat)).isSameAs(orders);
        assertThat(channels.contains(orders)).isTrue();
        assertThat(channels.contains(orders())).as("another channel of the same name").isFalse();
        assertThat(channels.all()).containsExactly(orders);

        channels.lock().lock();
        try {
            channels.remove(orders);
        } finally {
            channels.lock().unlock();
        }
        assertThat(channels.named("herald:orders")).isNull();
        assertThat(channels.ofHeartbeat(orders.heartbeat)).isNull();
        assertThat(channels.all()).isEmpty();
    }

    @Test
    void channelsChangeOnlyUnderTheLock() {
        assertThatThrownBy(() -> channels.add(orders())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only under their lock");
        assertThatThrownBy(() -> channels.remove(orders())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void removingAChannelThatWasReplacedLeavesItsSuccessor() {
        ShardChannel first = orders();
        ShardChannel second = orders();
        channels.lock().lock();
        try {
            channels.add(first);
            assertThatThrownBy(() -> channels.add(second)).hasMessageContaining("herald:orders is there already");
            channels.remove(first);
            channels.add(second);
            channels.remove(first);
        } finally {
            channels.lock().unlock();
        }
        assertThat(channels.named("herald:orders")).isSameAs(second);
        assertThat(channels.ofHeartbeat(second.heartbeat)).isSameAs(second);
    }
}
