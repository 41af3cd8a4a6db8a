package dev.herald.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds, in UTF-8 bytes, the first byte that JSON text cannot carry as it is: a control
 * character, a byte of a multi-byte character (not ASCII), a quote or a backslash (and, when
 * asked, a forward slash, which a generator may escape). Thirty-two bytes per step, as four
 * eight-byte words tested together (SWAR: each test is exact for a word as a whole, and the
 * block or word that has such a byte is then looked at byte by byte); what it gains is in
 * docs/BENCHMARKS.md. Thread-safe (stateless).
 */
final class PlainText {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private PlainText() {
    }

    /** The index of the first such byte in {@code [from, to)}, or {@code to} when there is none. */
    static int firstSpecial(byte[] bytes, int from, int to, boolean slash) {
        int i = from;
        while (i + 32 <= to && (special(word(bytes, i), slash) | special(word(bytes, i + 8), slash)
                | special(word(bytes, i + 16), slash) | special(word(bytes, i + 24), slash)) == 0) {
            i += 32;
        }
        while (i + 8 <= to && special(word(bytes, i), slash) == 0) {
            i += 8;
        }
        for (; i < to; i++) {
            byte b = bytes[i];
            if (b < 0x20 || b == '"' || b == '\\' || slash && b == '/') { // negative: not ASCII
                return i;
            }
        }
        return to;
    }

    private static long word(byte[] bytes, int at) {
        return (long) LONGS.get(bytes, at);
    }

    /**
     * Non-zero when any of the eight bytes is special. A byte below 0x20 borrows, which sets the
     * top bit of its own or a higher byte; a byte from 0x20 to 0x7F minus 0x20 does not (without a
     * borrow from below); bytes of 0x80 and above have their top bit set anyway.
     */
    private static long special(long w, boolean slash) {
        long found = w | (w - 0x20 * ONES) | zeroByte(w ^ '"' * ONES) | zeroByte(w ^ '\\' * ONES);
        if (slash) {
            found |= zeroByte(w ^ '/' * ONES);
        }
        return found & HIGHS;
    }

    /** Has the top bit of some byte set when some byte of {@code v} is zero (and only then, masked by HIGHS). */
    private static long zeroByte(long v) {
        return (v - ONES) & ~v;
    }
}
