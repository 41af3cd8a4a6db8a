package dev.herald.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

    @Test
    void formatsExactlyAsIsoInstant() {
        SplittableRandom random = new SplittableRandom(42);
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(random.nextLong(-max, max), nanos);
            assertThat(Rfc3339.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
        }
        Instant farFuture = Instant.parse("+12345-01-01T00:00:00Z");
        assertThat(Rfc3339.format(farFuture)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(farFuture));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26T10:15:30Z", "2026-11-26T10:15:30.1Z", "2026-11-26T10:15:30.123456789Z",
            "2026-11-26T10:15:30+02:00", "2026-11-26T10:15:30.5-07:30", "0001-01-01T00:00:00Z", "2024-02-29T23:59:59Z",
            "2026-11-26t10:15:30z", "2026-11-26T10:15Z"})
    void parsesAsTheIsoFormatterDoes(String text) {
        assertThat(Rfc3339.parse(text)).isEqualTo(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T10:15:30Z", "2026-11-26T24:00:00Z", "2026-11-26T10:15:30", "2026-11-26T10:15:30+0200",
            "2026-11-26T10:15:30.1234567891Z", "2026-11-26 10:15:30Z", "yesterday", "2026-11-26T10:15:30+19:00"})
    void rejectsWhatTheIsoFormatterRejects(String text) {
        assertThatThrownBy(() -> OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Rfc3339.parse(text)).isInstanceOf(DateTimeParseException.class);
    }
}
