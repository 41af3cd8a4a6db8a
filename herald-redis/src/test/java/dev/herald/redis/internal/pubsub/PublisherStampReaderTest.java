package dev.herald.redis.internal.pubsub;


import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PublisherStampReaderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMessageWithoutAStampIsNotMalformedAfterOneWithABadStamp() {
        PublisherStampReader stamp = new PublisherStampReader();
        assertThat(stamp.read(bytes("{\"specversion\":\"1.0\",\"publisherid\":\"p\",\"publisherseq\":\"abc\",\"data\":{}}")))
                .isFalse();
        assertThat(stamp.malformed).isTrue();
        assertThat(stamp.read(bytes("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"t\",\"data\":{}}"))).isFalse();
        assertThat(stamp.malformed).isFalse();
        assertThat(stamp.read(bytes("not json at all"))).isFalse();
        assertThat(stamp.malformed).isFalse();
    }
}
