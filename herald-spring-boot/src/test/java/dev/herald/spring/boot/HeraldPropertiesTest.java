package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.RetryPolicy;
import dev.herald.SubscriptionOptions;
import dev.herald.redis.RedisEventBus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeraldPropertiesTest {

    private static final HeraldProperties.Retry NO_RETRY = new HeraldProperties.Retry(null, null, null, null, null);
    private static final HeraldProperties.DeadLetters NO_DEAD_LETTERS = new HeraldProperties.DeadLetters(null, null);

    @Test
    void aRetryKeepsTheValuesItLeavesOutFromThePolicyItIsAppliedOver() {
        RetryPolicy base = RetryPolicy.exponential(Duration.ofMillis(10), 3.0, Duration.ofSeconds(1), 4);
        RetryPolicy policy = new HeraldProperties.Retry(7, null, null, Duration.ofSeconds(2), 0.0).over(base);

        assertThat(policy).isEqualTo(new RetryPolicy(Duration.ofMillis(10), 3.0, Duration.ofSeconds(2), 7, 0.0, base.nonRetryable()));
        assertThat(NO_RETRY.over(base)).isEqualTo(base);
    }

    @Test
    void aBadRetryValueFailsWhereItIsBound() {
        assertThatThrownBy(() -> new HeraldProperties.Retry(0, null, null, null, null))
                .hasMessageContaining("maxAttempts counts every call");
    }

    @Test
    void aHandlerOverrideChangesOnlyWhatItSets() {
        SubscriptionOptions annotated = SubscriptionOptions.named("audit").withConcurrency(2);
        HeraldProperties.Handler override = new HeraldProperties.Handler(4, true, null,
                new HeraldProperties.Retry(1, null, null, null, null));

        SubscriptionOptions options = override.over(annotated, RetryPolicy.defaults());

        assertThat(options.name()).isEqualTo("audit");
        assertThat(options.concurrency()).isEqualTo(4);
        assertThat(options.subjectOrdered()).isTrue();
        assertThat(options.queueCapacity()).isEqualTo(SubscriptionOptions.DEFAULT_QUEUE_CAPACITY);
        assertThat(options.retry()).isNotNull().satisfies(r -> assertThat(r.maxAttempts()).isEqualTo(1));
    }

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
