package dev.herald.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.DeadLetter.Reason;
import dev.herald.Envelope;
import dev.herald.spi.BusObserver.DeadLettered;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.PublishObservation;
import dev.herald.spi.BusObserver.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ObserversTest {

    private static final HandlerRun RUN = new HandlerRun("herald-memory", "h", 1,
            new Envelope<>("id-1", "t", "s", Instant.EPOCH, null, null, null, Map.of(), "payload"));

    /** Writes every call it gets, named, to a shared log. */
    private static final class Named implements BusObserver {
        private final String name;
        private final List<String> log;

        Named(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public PublishObservation publishStarted(Publish publish) {
            log.add(name + " publishStarted");
            return (size, failure) -> log.add(name + " publish end " + size);
        }

        @Override
        public HandlerObservation handlerStarted(HandlerRun run) {
            log.add(name + " handlerStarted");
            return new HandlerObservation() {
                @Override
                public Scope makeCurrent() {
                    log.add(name + " open");
                    return () -> log.add(name + " close");
                }

                @Override
                public void end(HandlerOutcome outcome, @Nullable Throwable error) {
                    log.add(name + " end " + outcome);
                }
            };
        }

        @Override
        public void missed(String eventType, long count) {
            log.add(name + " missed " + count);
        }

        @Override
        public void arrivedLate(String eventType, long count) {
            log.add(name + " arrived late " + count);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static void runHandler(BusObserver observer) {
        HandlerObservation run = observer.handlerStarted(RUN);
        try (Scope scope = run.makeCurrent()) {
            assertThat(scope).isNotNull();
        }
        run.end(HandlerOutcome.SUCCESS, null);
    }

    @Test
    void aCompositeTellsEachObserverInOrderAndClosesTheirScopesInReverse() {
        List<String> log = new ArrayList<>();
        BusObserver all = BusObserver.composite(new Named("a", log), new Named("b", log), new Named("c", log));

        runHandler(all);
        all.publishStarted(new BusObserver.Publish("redis", "t", "id-1", "s", new NoAttributes())).end(42, null);

        assertThat(log).containsExactly("a handlerStarted", "b handlerStarted", "c handlerStarted",
                "a open", "b open", "c open", "c close", "b close", "a close",
                "a end SUCCESS", "b end SUCCESS", "c end SUCCESS",
                "a publishStarted", "b publishStarted", "c publishStarted",
                "a publish end 42", "b publish end 42", "c publish end 42");
    }

    @Test
    void anObserverThatThrowsStopsNoneOfTheOthers() {
        List<String> log = new ArrayList<>();
        BusObserver all = BusObserver.composite(new Named("a", log), new ThrowingObserver(), new Named("c", log));

        runHandler(all);
        all.publishStarted(new BusObserver.Publish("redis", "t", "id-1", "s", new NoAttributes())).end(7, null);
        all.deadLettered(new DeadLettered("t", "h", Reason.HANDLER_FAILED, null));
        all.missed("t", 3);
        all.arrivedLate("t", 1);

        assertThat(log).containsExactly("a handlerStarted", "c handlerStarted", "a open", "c open", "c close", "a close",
                "a end SUCCESS", "c end SUCCESS", "a publishStarted", "c publishStarted", "a publish end 7", "c publish end 7",
                "a missed 3", "c missed 3", "a arrived late 1", "c arrived late 1");
    }

    @Test
    void aFailingMethodIsLoggedAtWarnOnceThenAtDebug() {
        Logger logger = (Logger) LoggerFactory.getLogger(BusObserver.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try {
            BusObserver guarded = Observers.guarded(new ThrowingObserver());
            for (int i = 0; i < 3; i++) {
                guarded.missed("t", 1);
                guarded.deadLettered(new DeadLettered("t", "h", Reason.SHUTDOWN, null));
            }
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }

        List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0).getFormattedMessage()).contains("throwing observer").contains("missed");
        assertThat(warnings.get(0).getThrowableProxy().getMessage()).isEqualTo("test: missed");
        assertThat(warnings.get(1).getFormattedMessage()).contains("deadLettered");
        assertThat(appender.list.stream().filter(e -> e.getLevel() == Level.DEBUG)).hasSize(4);
    }

    @Test
    void aCompositeOfOneIsThatOneAndOfNoneIsTheNoOpObserver() {
        BusObserver one = new Named("a", new ArrayList<>());

        assertThat(BusObserver.composite(one)).isSameAs(one);
        assertThat(BusObserver.composite(List.of(BusObserver.noop(), one))).isSameAs(one);
        assertThat(BusObserver.composite()).isSameAs(BusObserver.noop());
        assertThat(BusObserver.composite(List.of())).isSameAs(BusObserver.noop());
    }

    @Test
    void nestedCompositesAreFlattened() {
        List<String> log = new ArrayList<>();
        BusObserver inner = BusObserver.composite(new Named("a", log), new Named("b", log));
        BusObserver outer = BusObserver.composite(inner, new Named("c", log), BusObserver.composite(new Named("d", log)));

        outer.missed("t", 1);

        assertThat(log).containsExactly("a missed 1", "b missed 1", "c missed 1", "d missed 1");
        assertThat(outer).hasToString("BusObserver.composite[a, b, c, d]");
    }

    @Test
    void aNullObserverIsRefusedWithItsPlace() {
        BusObserver one = new Named("a", new ArrayList<>());

        assertThatThrownBy(() -> BusObserver.composite(one, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("observer 1 of 2 given to BusObserver.composite is null");
        assertThatThrownBy(() -> BusObserver.composite(Arrays.asList(null, one)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("observer 0 of 2 given to BusObserver.composite is null");
        assertThatThrownBy(() -> BusObserver.composite((BusObserver[]) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("observers");
    }

    @Test
    void guardingLeavesTheNoOpObserverAsItIs() {
        assertThat(Observers.guarded(BusObserver.noop())).isSameAs(BusObserver.noop());
        BusObserver guarded = Observers.guarded(new Named("a", new ArrayList<>()));
        assertThat(Observers.guarded(guarded)).isSameAs(guarded);
        assertThat(guarded).hasToString("a");
    }

    private static final class NoAttributes implements BusObserver.Attributes {
        @Override
        public @Nullable String get(String name) {
            return null;
        }

        @Override
        public void set(String name, String value) {
        }
    }
}
