package dev.herald.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.BusStats;
import dev.herald.EventBus;
import dev.herald.memory.DeadLetterAccountingTest.HandTransport;
import dev.herald.memory.DeadLetterAccountingTest.Settings;
import dev.herald.memory.DeadLetterAccountingTest.TestStore;
import dev.herald.memory.RecordingObserver.ArrivedLate;
import dev.herald.memory.RecordingObserver.Missed;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusSettings;
import dev.herald.spi.TransportBus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a transport tells the bus's observer about missed events, as the bus's stats count it. */
class MissedEventStatsTest {

    @Test
    void eventsToldAsMissedAndAsArrivedLateAreCountedApartInCountsThatOnlyRise() {
        RecordingObserver recording = new RecordingObserver();
        BusSettings settings = new Settings().observer(recording).value();
        EventBus bus = TransportBus.create(settings, new HandTransport(), new TestStore(letter -> { }));
        try {
            BusObserver transportSide = settings.observer(); // what a transport is given, and tells
            transportSide.missed("order.placed", 3);
            transportSide.arrivedLate("order.placed", 1);
            transportSide.missed("order.shipped", 2);

            BusStats stats = bus.stats();
            assertThat(stats.missedCountedByType()).isEqualTo(Map.of("order.placed", 3L, "order.shipped", 2L));
            assertThat(stats.lateArrivalsByType()).isEqualTo(Map.of("order.placed", 1L));
            assertThat(recording.calls).as("the user's observer is told both")
                    .containsExactly(new Missed("order.placed", 3), new ArrivedLate("order.placed", 1),
                            new Missed("order.shipped", 2));
        } finally {
            bus.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBusWithoutAnObserverStillCountsWhatItsTransportMissed() {
        BusSettings settings = new Settings().value();
        EventBus bus = TransportBus.create(settings, new HandTransport(), new TestStore(letter -> { }));
        try {
            settings.observer().missed("order.placed", 2);
            settings.observer().arrivedLate("order.placed", 2);

            assertThat(bus.stats().missedCountedByType()).isEqualTo(Map.of("order.placed", 2L));
            assertThat(bus.stats().lateArrivalsByType()).isEqualTo(Map.of("order.placed", 2L));
        } finally {
            bus.shutdown(Duration.ofSeconds(5));
        }
    }
}
