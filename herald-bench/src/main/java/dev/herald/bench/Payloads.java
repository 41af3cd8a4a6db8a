package dev.herald.bench;

import dev.herald.DomainEvent;
import dev.herald.EventType;
import java.nio.charset.StandardCharsets;

/** The benchmark's messages: the same size for every variant, with a sequence number and a send time. */
final class Payloads {

    /** Herald's event; the pad makes the whole CloudEvent about the requested size. */
    @EventType("bench.event")
    record BenchEvent(long seq, long sent, String pad) implements DomainEvent {
    }

    /** Bytes a Herald envelope adds around the payload (attributes, ids, extensions), measured. */
    static final int ENVELOPE_OVERHEAD = 390;

    private Payloads() {
    }

    static String pad(int size, int overhead) {
        return "x".repeat(Math.max(0, size - overhead));
    }

    /** A raw JSON message of about {@code size} bytes. */
    static String raw(long seq, long sentNanos, String pad) {
        return "{\"seq\":" + seq + ",\"sent\":" + sentNanos + ",\"pad\":\"" + pad + "\"}";
    }

    static byte[] rawBytes(long seq, long sentNanos, String pad) {
        return raw(seq, sentNanos, pad).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the number after {@code "key":} without a JSON parser: what a lean raw subscriber does. */
    static long number(byte[] message, byte[] key) {
        int i = indexOf(message, key);
        long v = 0;
        for (int j = i + key.length; j < message.length && message[j] >= '0' && message[j] <= '9'; j++) {
            v = v * 10 + (message[j] - '0');
        }
        return v;
    }

    static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SENT = "\"sent\":".getBytes(StandardCharsets.US_ASCII);

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
