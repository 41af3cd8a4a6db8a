package dev.herald.bench;

import dev.herald.DomainEvent;
import dev.herald.EventType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The benchmark's messages: the same size for every variant, with a sequence number and a send time. */
final class Payloads {

    /** What the handler reads of a Herald event, whatever its type. */
    interface Numbered {
        long seq();

        long sent();
    }

    /** Herald's event; the pad makes the whole CloudEvent about the requested size. */
    @EventType("bench.event")
    record BenchEvent(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    /** The second to eighth type when events are spread over several ({@code --types}), each as {@link BenchEvent}. */
    @EventType("bench.event.1")
    record Type1(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    @EventType("bench.event.2")
    record Type2(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    @EventType("bench.event.3")
    record Type3(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    @EventType("bench.event.4")
    record Type4(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    @EventType("bench.event.5")
    record Type5(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    @EventType("bench.event.6")
    record Type6(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    @EventType("bench.event.7")
    record Type7(long seq, long sent, String pad) implements DomainEvent, Numbered {
    }

    /** The event classes of {@code --types N}: the first N of these, {@link BenchEvent} first. */
    static final List<Class<? extends Numbered>> TYPES = List.of(BenchEvent.class, Type1.class, Type2.class, Type3.class,
            Type4.class, Type5.class, Type6.class, Type7.class);

    /** The type name of {@code TYPES.get(type)}: {@code bench.event}, {@code bench.event.1}, ... */
    static String typeName(int type) {
        return TYPES.get(type).getAnnotation(EventType.class).value();
    }

    /** An event of the {@code type}-th type. */
    static Numbered event(int type, long seq, long sent, String pad) {
        return switch (type) {
            case 0 -> new BenchEvent(seq, sent, pad);
            case 1 -> new Type1(seq, sent, pad);
            case 2 -> new Type2(seq, sent, pad);
            case 3 -> new Type3(seq, sent, pad);
            case 4 -> new Type4(seq, sent, pad);
            case 5 -> new Type5(seq, sent, pad);
            case 6 -> new Type6(seq, sent, pad);
            case 7 -> new Type7(seq, sent, pad);
            default -> throw new IllegalArgumentException("type must be 0 to " + (TYPES.size() - 1) + ", not " + type);
        };
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
