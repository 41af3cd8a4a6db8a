package dev.herald.internal.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each oversized message is stored once for all its handlers, by the first that meets it. */
class OversizedMessagesTest {

    private final byte[] raw = "an oversized message".getBytes(StandardCharsets.UTF_8);

    @Test
    void anotherHandlerMeetingTheSameOversizedMessageOnlyCountsIt() {
        OversizedMessages oversized = new OversizedMessages();

        assertThat(oversized.claim("t.invoice", raw, "a")).isNull();
        assertThat(oversized.claim("t.invoice", raw, "b")).isEqualTo("a");
    }

    @Test
    void theHandlerThatStoredAnOversizedMessageStoresItAgainWhenItMeetsItAgain() {
        OversizedMessages oversized = new OversizedMessages();
        assertThat(oversized.claim("t.invoice", raw, "a")).isNull();
        assertThat(oversized.claim("t.invoice", raw, "b")).isEqualTo("a");

        assertThat(oversized.claim("t.invoice", raw, "a")).as("the same message sent a second time").isNull();
        assertThat(oversized.claim("t.invoice", raw, "b")).isEqualTo("a");
    }
}
