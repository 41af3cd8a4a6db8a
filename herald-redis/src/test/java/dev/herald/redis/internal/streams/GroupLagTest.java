package dev.herald.redis.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.ConsumerGroupHealth;
import io.lettuce.core.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class GroupLagTest {

    private static final StreamGroup GROUP = StreamGroup.of("herald", "billing", "it.job", "invoice");
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** XINFO GROUPS as Redis sends it, with the replies still to come. */
    private final List<CompletableFuture<List<Object>>> sent = new ArrayList<>();
    private final Function<byte[], CompletionStage<List<Object>>> xinfoGroups = key -> {
        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("herald:stream:it.job");
        CompletableFuture<List<Object>> reply = new CompletableFuture<>();
        sent.add(reply);
        return reply;
    };
    /** The replies are read on the caller's thread, standing for the transport's scheduler. */
    private final GroupLag lag = new GroupLag("it.job", GROUP, 1000, Runnable::run);

    private static List<Object> groups(long lag, long pending) {
        return List.of(List.of(bytes("name"), bytes("other:group"), bytes("lag"), 5L, bytes("pending"), 5L),
                List.of(bytes("name"), bytes("billing:invoice"), bytes("lag"), lag, bytes("pending"), pending));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSampleReturnsAtOnceAndItsReplyGivesTheGroupsLagAndPendingEntries() {
        assertThat(lag.last().lag()).as("unknown before the first reply").isEmpty();

        lag.sample(xinfoGroups, 0);
        assertThat(sent).hasSize(1);
        assertThat(lag.last().lag()).isEmpty();

        sent.get(0).complete(groups(12, 3));
        assertThat(lag.last()).isEqualTo(new ConsumerGroupHealth("it.job", "billing:invoice", OptionalLong.of(12),
                OptionalLong.of(3), false));
    }

    @Test
    void oneSampleIsInFlightAtATimeUntilItsReplyComes() {
        lag.sample(xinfoGroups, 0);
        lag.sample(xinfoGroups, SECOND / 2);
        assertThat(sent).as("none sent while one waits for its reply").hasSize(1);

        sent.get(0).complete(groups(1, 1));
        lag.sample(xinfoGroups, SECOND * 3 / 4);
        assertThat(sent).hasSize(2);
    }

    @Test
    void aSampleUnansweredForTheTimeoutIsCancelledItsLateReplyIgnoredAndTheLastKnownValuesKept() {
        lag.sample(xinfoGroups, 0);
        sent.get(0).complete(groups(7, 2));
        lag.sample(xinfoGroups, SECOND);
        CompletableFuture<List<Object>> unanswered = sent.get(1);

        lag.sample(xinfoGroups, SECOND + GroupLag.SAMPLE_TIMEOUT.toNanos() - 1);
        assertThat(sent).hasSize(2);
        lag.sample(xinfoGroups, SECOND + GroupLag.SAMPLE_TIMEOUT.toNanos());
        assertThat(sent).as("given up and asked again").hasSize(3);
        assertThat(unanswered).isCancelled();
        assertThat(lag.last().lag()).as("the last known lag meanwhile").hasValue(7);

        sent.get(2).complete(groups(9, 4));
        assertThat(lag.last().lag()).hasValue(9);
    }

    @Test
    void aReplyThatComesAfterItsSampleWasGivenUpIsIgnored() {
        // as a cluster command Lettuce still writes when the node comes back: cancelling does not stop its reply
        lag.sample(key -> xinfoGroups.apply(key).toCompletableFuture().minimalCompletionStage(), 0);
        lag.sample(xinfoGroups, GroupLag.SAMPLE_TIMEOUT.toNanos());
        sent.get(1).complete(groups(9, 4));

        sent.get(0).complete(groups(100, 100));
        assertThat(lag.last().lag()).as("the reply to the sample sent after it counts").hasValue(9);
    }

    @Test
    void aFailedSampleKeepsTheLastKnownValuesAndTheNextOneIsSent() {
        lag.sample(xinfoGroups, 0);
        sent.get(0).complete(groups(4, 1));
        lag.sample(xinfoGroups, 1);
        sent.get(1).completeExceptionally(new RedisException("LOADING Redis is loading the dataset in memory"));

        assertThat(lag.last().lag()).hasValue(4);
        lag.sample(xinfoGroups, 2);
        assertThat(sent).hasSize(3);
    }

    @Test
    void aCommandThatCannotBeSentIsTriedAtTheNextSample() {
        lag.sample(key -> {
            throw new RedisException("Connection closed");
        }, 0);
        lag.sample(xinfoGroups, 1);
        assertThat(sent).hasSize(1);
    }

    @Test
    void aLagNearTheRetentionMakesTheGroupLaggingUntilItCatchesUp() {
        lag.sample(xinfoGroups, 0);
        sent.get(0).complete(groups(801, 10));
        assertThat(lag.last().lagging()).as("above 80% of 1000").isTrue();

        lag.sample(xinfoGroups, 1);
        sent.get(1).complete(groups(800, 10));
        assertThat(lag.last().lagging()).isFalse();
    }
}
