package dev.herald.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class UuidV7Test {

    @Test
    void idsAreVersion7WithTheRfcVariantAndTheTimeInTheirFirst48Bits() {
        Instant at = Instant.parse("2026-11-26T14:00:00.123Z");
        UuidV7 ids = new UuidV7(Clock.fixed(at, ZoneOffset.UTC), ThreadLocalRandom::current);

        UUID id = ids.next();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(at.toEpochMilli());
    }

    @Test
    void idsOfOneGeneratorSortInTheOrderTheyWereMadeEvenWithinOneMillisecond() {
        UuidV7 ids = new UuidV7(Clock.fixed(Instant.now(), ZoneOffset.UTC), ThreadLocalRandom::current);
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            made.add(ids.next().toString());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
    }
}
