package dev.herald.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlainTextTest {

    private static int byteByByte(byte[] bytes, int from, int to, boolean slash) {
        for (int i = from; i < to; i++) {
            int b = bytes[i] & 0xFF;
            if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\' || slash && b == '/') {
                return i;
            }
        }
        return to;
    }

    @Test
    void everyByteValueAtEveryPositionOfABlockOrWordIsFoundExactlyWhenItIsSpecial() {
        for (int length = 0; length <= 75; length++) { // two 32-byte blocks, a word and some bytes
            for (int at = 0; at < length; at++) {
                for (int value = 0; value < 256; value++) {
                    byte[] bytes = new byte[length];
                    Arrays.fill(bytes, (byte) 'x');
                    bytes[at] = (byte) value;
                    for (boolean slash : new boolean[] {false, true}) {
                        assertThat(PlainText.firstSpecial(bytes, 0, length, slash))
                                .as("byte %d at %d of %d, slash %s", value, at, length, slash)
                                .isEqualTo(byteByByte(bytes, 0, length, slash));
                    }
                }
            }
        }
    }

    @Test
    void randomTextFromPrintableToAnyBytesAgreesWithAByteLoop() {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(200)];
            int kind = round % 3;
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) switch (kind) {
                    case 0 -> 0x20 + random.nextInt(0x5F); // printable ASCII, quotes and slashes included
                    case 1 -> random.nextInt(100) == 0 ? random.nextInt(256) : 'a' + random.nextInt(26);
                    default -> random.nextInt(256);
                };
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            boolean slash = random.nextBoolean();
            assertThat(PlainText.firstSpecial(bytes, from, bytes.length, slash))
                    .isEqualTo(byteByByte(bytes, from, bytes.length, slash));
        }
    }
}
