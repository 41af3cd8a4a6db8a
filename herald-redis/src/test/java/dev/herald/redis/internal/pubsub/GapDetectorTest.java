package dev.herald.redis.internal.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.spi.BusObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class GapDetectorTest {

    private static byte[] event(String publisher, long seq) {
        return ("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"publisherid\":\"" + publisher
                + "\",\"publisherseq\":" + seq + ",\"data\":{\"publisherseq\":999}}").getBytes(StandardCharsets.UTF_8);
    }

    /** As Herald's encoder writes it: the stamp right after the spec version. */
    private static byte[] heraldEvent(String publisher, long seq) {
        return ("{\"specversion\":\"1.0\",\"publisherid\":\"" + publisher + "\",\"publisherseq\":" + seq
                + ",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"publisherseq\":999}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void heraldsOwnLayoutAndOtherLayoutsAreReadAlike() {
        GapDetector gaps = new GapDetector("herald", BusObserver.noop());
        gaps.observe("c", heraldEvent("p", 1));
        gaps.observe("c", event("p", 2));
        assertThat(gaps.observe("c", heraldEvent("p", 5))).isEqualTo(2);
        assertThat(gaps.observe("c", event("p", 9))).isEqualTo(3);
        gaps.observe("c", heraldEvent("q", 1));
        assertThat(gaps.observe("c", heraldEvent("q", 3))).isEqualTo(1);
        // Herald's opening without a number after the id, or an escaped id: not a stamp of ours
        assertThat(gaps.observe("c", "{\"specversion\":\"1.0\",\"publisherid\":\"p\",\"data\":{}}"
                .getBytes(StandardCharsets.UTF_8))).isZero();
        assertThat(gaps.observe("c", "{\"specversion\":\"1.0\",\"publisherid\":\"p\\\"\",\"publisherseq\":99}"
                .getBytes(StandardCharsets.UTF_8))).isZero();
        assertThat(gaps.missed()).isEqualTo(6);
    }

    @Test
    void aJumpInAPublishersNumbersIsCountedOnce() {
        GapDetector gaps = new GapDetector("herald", BusObserver.noop());
        gaps.observe("c", event("p", 5)); // baseline: what came before we listened is not counted
        gaps.observe("c", event("p", 6));
        assertThat(gaps.observe("c", event("p", 10))).isEqualTo(3);
        gaps.observe("c", event("p", 11));
        assertThat(gaps.missed()).isEqualTo(3);
    }

    @Test
    void anEventCountedMissedThatArrivesLateIsLoggedAsNotMissedAfterAll() {
        Logger logger = (Logger) LoggerFactory.getLogger(GapDetector.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            GapDetector gaps = new GapDetector("herald", BusObserver.noop());
            gaps.observe("c", event("p", 1));
            gaps.observe("c", event("p", 3)); // 2 missing: a WARN
            gaps.observe("c", event("p", 2)); // late, as a publish retried across a Redis restart can be
            assertThat(gaps.missed()).isZero();
            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("Missed 1 event(s)"))
                    .anySatisfy(m -> assertThat(m).contains("Event number 2 on channel 'c' from publisher p arrived late")
                            .contains("no longer counted (missed events now 0)"));
        } finally {
            logger.setLevel(level);
            logger.detachAppender(appender);
        }
    }

    @Test
    void anEventThatArrivesLateIsNoLongerMissedAndDuplicatesAreIgnored() {
        GapDetector gaps = new GapDetector("herald", BusObserver.noop());
        gaps.observe("c", event("p", 1));
        gaps.observe("c", event("p", 5)); // 2, 3, 4 missing
        gaps.observe("c", event("p", 3)); // late
        gaps.observe("c", event("p", 3)); // duplicate
        gaps.observe("c", event("p", 5)); // duplicate
        assertThat(gaps.missed()).isEqualTo(2);
        gaps.observe("c", event("p", 2));
        gaps.observe("c", event("p", 4));
        assertThat(gaps.missed()).isZero();
    }

    @Test
    void publishersAndChannelsAreCountedApartAndForeignMessagesIgnored() {
        GapDetector gaps = new GapDetector("herald", BusObserver.noop());
        gaps.observe("a", event("p", 1));
        gaps.observe("b", event("p", 7));
        gaps.observe("a", event("q", 100));
        gaps.observe("a", event("p", 2));
        gaps.observe("a", "not even json".getBytes(StandardCharsets.UTF_8));
        gaps.observe("a", "{\"data\":{\"publisherid\":\"p\",\"publisherseq\":50}}".getBytes(StandardCharsets.UTF_8));
        gaps.observe("a", "{\"publisherid\":\"p\",\"data\":{\"publisherseq\":60}}".getBytes(StandardCharsets.UTF_8));
        gaps.observe("a", "{\"publisherid\":\"p\"".getBytes(StandardCharsets.UTF_8));
        gaps.observe("b", event("p", 8));
        assertThat(gaps.missed()).isZero();
        // attributes in another order (another producer's encoder) are read as well
        gaps.observe("a", "{\"publisherseq\":5,\"id\":\"x\",\"publisherid\":\"p\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
        assertThat(gaps.missed()).isEqualTo(2);
    }

    @Test
    void theWholeLongRangeIsReadAndMalformedOrImplausibleStampsAreIgnored() {
        GapDetector gaps = new GapDetector("herald", BusObserver.noop());
        gaps.observe("c", heraldEvent("p", Long.MAX_VALUE - 2)); // 19 digits, the baseline
        assertThat(gaps.observe("c", heraldEvent("p", Long.MAX_VALUE))).isEqualTo(1);

        gaps.observe("c", heraldEvent("r", 1));
        assertThat(gaps.observe("c", heraldEvent("r", 9_000_000_000_000_000_000L))).as("a jump no publisher makes").isZero();
        for (String bad : new String[] {"\"12\"", "1.5", "-3", "99999999999999999999", "12e3", "true"}) {
            byte[] message = ("{\"specversion\":\"1.0\",\"publisherid\":\"r\",\"publisherseq\":" + bad
                    + ",\"id\":\"x\",\"source\":\"s\",\"type\":\"t\",\"data\":{}}").getBytes(StandardCharsets.UTF_8);
            assertThat(gaps.observe("c", message)).as(bad).isZero();
        }
        assertThat(gaps.missed()).isEqualTo(1);
        // the ignored stamps left the publisher's numbering as it was: a real gap still counts
        gaps.observe("c", heraldEvent("r", 2));
        assertThat(gaps.observe("c", heraldEvent("r", 5))).isEqualTo(2);
        assertThat(gaps.missed()).isEqualTo(3);
    }

    @Test
    void missedEventsAreCountedPerTypeAndEachGapAndLateArrivalIsToldToTheObserver() {
        List<String> told = new ArrayList<>();
        GapDetector gaps = new GapDetector("herald", new BusObserver() {
            @Override
            public void missed(String eventType, long count) {
                told.add(eventType + " " + count);
            }

            @Override
            public void arrivedLate(String eventType, long count) {
                told.add(eventType + " " + count + " late");
            }
        });
        gaps.observe("herald:order.placed", event("p", 1));
        gaps.observe("herald:order.placed", event("p", 5)); // 2, 3, 4 missing
        gaps.observe("herald:order.placed", event("p", 3)); // late: taken off the count, and told
        gaps.observe("herald:order.placed", event("p", 3)); // a duplicate: not told
        gaps.observe("herald:payment.taken", event("p", 1));
        gaps.observe("herald:payment.taken", event("p", 3)); // 2 missing
        gaps.addMissed("herald:payment.taken", 1); // a full buffer dropped one

        assertThat(told).containsExactly("order.placed 3", "order.placed 1 late", "payment.taken 1", "payment.taken 1");
        assertThat(gaps.missedByType()).containsExactlyInAnyOrderEntriesOf(Map.of("order.placed", 2L, "payment.taken", 2L));
        assertThat(gaps.missed()).isEqualTo(4);
    }
}
