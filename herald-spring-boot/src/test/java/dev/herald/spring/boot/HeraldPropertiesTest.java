package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.redis.RedisEventBus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeraldPropertiesTest {

    private static final HeraldProperties.Retry NO_RETRY = new HeraldProperties.Retry(null, null, null, null, null);
    private static final HeraldProperties.DeadLetters NO_DEAD_LETTERS = new HeraldProperties.DeadLetters(null, null);

    @Test
    void publishReplicasComeWithTheirTimeout() {
        assertThatThrownBy(() -> new HeraldProperties.Streams(null, null, null, null, null, 1, null))
                .hasMessageContaining("herald.streams.publish-replicas and herald.streams.publish-replicas-timeout go together");
    }

    @Test
    void optionsOfTheOtherModeAreRefusedNotIgnored() {
        HeraldProperties.PubSub noPubSub = new HeraldProperties.PubSub(null, null, null);
        HeraldProperties.Streams streams = new HeraldProperties.Streams(5000L, null, null, null, null, null, null);
        assertThatThrownBy(() -> new HeraldProperties(RedisEventBus.Mode.PUBSUB, null, null, null, null, null, null, null, NO_DEAD_LETTERS, NO_RETRY, noPubSub,
                streams, Map.of())).hasMessageContaining("herald.streams.* is set but herald.mode is pubsub");

        HeraldProperties.PubSub pubsub = new HeraldProperties.PubSub(Duration.ofSeconds(1), null, null);
        HeraldProperties.Streams noStreams = new HeraldProperties.Streams(null, null, null, null, null, null, null);
        assertThatThrownBy(() -> new HeraldProperties(RedisEventBus.Mode.STREAMS, null, null, null, null, null, null, null, NO_DEAD_LETTERS, NO_RETRY, pubsub,
                noStreams, Map.of())).hasMessageContaining("herald.pubsub.* is set but herald.mode is streams");
    }
}
