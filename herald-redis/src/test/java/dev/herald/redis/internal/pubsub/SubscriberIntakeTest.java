package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.internal.bus.BusThreads;
import dev.herald.redis.internal.EventLoops;
import dev.herald.redis.internal.SocketReads;
import dev.herald.spi.BusObserver;
import dev.herald.spi.DeliveryListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The intake without a socket it could pause: what its full buffer cannot take is discarded and counted. */
class SubscriberIntakeTest {

    private static byte[] event(long seq) {
        return ("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"publisherid\":\"p\","
                + "\"publisherseq\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whenReadsCannotPauseAFullBufferDiscardsAndCountsAndEveryOtherMessageIsHandedOver() throws Exception {
        GapDetector gaps = new GapDetector("herald", BusObserver.noop());
        SubscriberIntake intake = new SubscriberIntake(10, 1024 * 1024, gaps, BusThreads.daemonPlatform(), "intake-test");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        DeliveryListener stuck = delivery -> {
            release.await();
            delivered.incrementAndGet();
        };
        intake.start(SocketReads.NONE, EventLoops.READING_ONLY);
        try {
            for (int i = 1; i <= 200; i++) {
                intake.offer("c", event(i), new DeliveryListener[] {stuck});
            }
            assertThat(intake.discarded()).isPositive();
            assertThat(intake.received() + intake.discarded()).isEqualTo(200);
            assertThat(intake.readsPaused()).isFalse();
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() == intake.received());
            gaps.observe("c", event(201)); // the next message shows what was discarded at the end
            assertThat(gaps.missed()).isEqualTo(intake.discarded());
        } finally {
            release.countDown();
            intake.stop();
        }
    }
}
