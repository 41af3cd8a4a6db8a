package dev.herald.internal.codec;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then 62 random bits.
 * Ids from one generator are strictly increasing (the counter orders ids of one millisecond), so
 * they sort in the order they were made. Thread-safe.
 */
public final class UuidV7 {

    private final Clock clock;
    private final Supplier<RandomGenerator> random;
    /** The last (millis << 12 | counter) handed out. */
    private final AtomicLong last = new AtomicLong();

    public UuidV7(Clock clock, Supplier<RandomGenerator> random) {
        this.clock = clock;
        this.random = random;
    }

    public UUID next() {
        long now = clock.millis() << 12;
        long stamp = last.updateAndGet(prev -> Math.max(prev + 1, now));
        long msb = ((stamp >>> 12) << 16) | 0x7000L | (stamp & 0x0FFFL);
        long lsb = (random.get().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
