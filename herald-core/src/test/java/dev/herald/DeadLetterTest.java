package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A dead letter is immutable, and a store's copies of it do not copy its raw message again. */
class DeadLetterTest {

    private final byte[] raw = "{\"id\":\"e-1\"}".getBytes(StandardCharsets.UTF_8);
    private final DeadLetter letter = new DeadLetter("1", DeadLetter.Reason.SHUTDOWN, "t.invoice", "e-1", "h", 0,
            "shut down", null, null, raw, Instant.EPOCH, Instant.EPOCH, raw.length);

    @Test
    void theRawMessageGivenOrReturnedIsACopy() throws Exception {
        assertThat(rawArray(letter)).isNotSameAs(raw);
        raw[0] = 'X';
        byte[] returned = letter.rawMessage();
        returned[1] = 'X';
        assertThat(letter.rawMessageText()).isEqualTo("{\"id\":\"e-1\"}");
    }

    @Test
    void withIdSharesTheRawMessageInsteadOfCopyingIt() throws Exception {
        DeadLetter stored = letter.withId("1700000000000-0");

        assertThat(stored.id()).isEqualTo("1700000000000-0");
        assertThat(rawArray(stored)).isSameAs(rawArray(letter));
        assertThat(stored).isEqualTo(new DeadLetter("1700000000000-0", letter.reason(), letter.eventType(),
                letter.eventId(), letter.handler(), 0, letter.error(), null, null, letter.rawMessage(),
                Instant.EPOCH, Instant.EPOCH, letter.rawMessageLength()));
    }

    @Test
    void theRawMessageBufferIsAReadOnlyViewOfTheBytes() {
        ByteBuffer view = letter.rawMessageBuffer();

        assertThat(view.isReadOnly()).isTrue();
        byte[] read = new byte[view.remaining()];
        view.get(read);
        assertThat(read).isEqualTo(letter.rawMessage());
    }

    private static byte[] rawArray(DeadLetter letter) throws ReflectiveOperationException {
        Field field = DeadLetter.class.getDeclaredField("rawMessage");
        field.setAccessible(true);
        return (byte[]) field.get(letter);
    }
}
