package dev.herald.micrometer;

import static dev.herald.micrometer.ObserverCalls.publish;
import static dev.herald.micrometer.ObserverCalls.run;
import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.micrometer.ObserverCalls.EventAttributes;
import dev.herald.spi.BusObserver;
import dev.herald.spi.BusObserver.HandlerObservation;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.PublishObservation;
import dev.herald.spi.BusObserver.Scope;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.SenderContext;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** MicrometerObserver driven through the BusObserver methods, as a bus calls them. */
class MicrometerObserverTest {

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final BusObserver observer = MicrometerObserver.of(registry);

    @Test
    void anAcceptedPublishIsAHeraldPublishObservationWithOutcomeSuccess() {
        PublishObservation publish = observer.publishStarted(publish("order.placed", new EventAttributes()));
        publish.end(321, null);

        assertThat(registry).hasNumberOfObservationsEqualTo(1)
                .hasObservationWithNameEqualTo("herald.publish").that()
                .hasContextualNameEqualTo("send order.placed")
                .hasLowCardinalityKeyValue("messaging.system", "redis")
                .hasLowCardinalityKeyValue("messaging.destination.name", "order.placed")
                .hasLowCardinalityKeyValue("outcome", "success")
                .hasLowCardinalityKeyValue("error.type", "none")
                .doesNotHaveLowCardinalityKeyValueWithKey("messaging.consumer.group.name")
                .hasHighCardinalityKeyValue("messaging.message.id", "id-1")
                .hasHighCardinalityKeyValue("messaging.message.body.size", "321")
                .doesNotHaveError()
                .hasBeenStarted()
                .hasBeenStopped();
    }

    @Test
    void aFailedPublishHasOutcomeErrorAndTheFailuresFullyQualifiedClassNameAsErrorType() {
        IllegalStateException failure = new IllegalStateException("Redis down past the publish timeout");
        observer.publishStarted(publish("order.placed", new EventAttributes())).end(-1, failure);

        assertThat(registry).hasObservationWithNameEqualTo("herald.publish").that()
                .hasLowCardinalityKeyValue("outcome", "error")
                .hasLowCardinalityKeyValue("error.type", "java.lang.IllegalStateException")
                .doesNotHaveHighCardinalityKeyValueWithKey("messaging.message.body.size")
                .hasError(failure)
                .hasBeenStopped();
    }

    @Test
    void aPublishHasNoOutcomeUntilItEnded() {
        observer.publishStarted(publish("order.placed", new EventAttributes()));

        assertThat(registry).hasObservationWithNameEqualTo("herald.publish").that()
                .hasLowCardinalityKeyValue("messaging.destination.name", "order.placed")
                .doesNotHaveLowCardinalityKeyValueWithKey("outcome")
                .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
                .hasBeenStarted()
                .isNotStopped();
    }

    @ParameterizedTest
    @EnumSource(HandlerOutcome.class)
    void eachHandlerRunIsAHeraldProcessObservationWithItsOutcome(HandlerOutcome outcome) {
        RuntimeException error = outcome == HandlerOutcome.SUCCESS ? null : new ArithmeticException("boom");
        HandlerObservation run = observer.handlerStarted(run("send-confirmation", 2, Map.of()));
        run.makeCurrent().close();
        run.end(outcome, error);

        assertThat(registry).hasNumberOfObservationsEqualTo(1)
                .hasObservationWithNameEqualTo("herald.process").that()
                .hasContextualNameEqualTo("process order.placed")
                .hasLowCardinalityKeyValue("messaging.system", "redis")
                .hasLowCardinalityKeyValue("messaging.destination.name", "order.placed")
                .hasLowCardinalityKeyValue("messaging.consumer.group.name", "send-confirmation")
                .hasLowCardinalityKeyValue("outcome", outcome.tagValue())
                .hasLowCardinalityKeyValue("error.type", error == null ? "none" : "java.lang.ArithmeticException")
                .hasHighCardinalityKeyValue("messaging.message.id", "event-1")
                .hasBeenStarted()
                .hasBeenStopped();
        assertThat(outcome.tagValue()).isIn("success", "retried", "dead_lettered", "error");
    }

    @Test
    void micrometersMeterHandlerTimesEachOutcomeAndErrorTypeOfOneHandlerApart() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        BusObserver timed = MicrometerObserver.of(observations);

        for (int i = 0; i < 3; i++) {
            HandlerObservation run = timed.handlerStarted(run("audit", 1, Map.of()));
            assertThat(meters.get("herald.process.active").tags("messaging.consumer.group.name", "audit",
                    "messaging.destination.name", "order.placed", "messaging.system", "redis").longTaskTimer().activeTasks())
                    .isEqualTo(1);
            run.end(HandlerOutcome.SUCCESS, null);
            timed.handlerStarted(run("audit", 1, Map.of())).end(HandlerOutcome.RETRIED, new IllegalStateException());
            timed.handlerStarted(run("audit", 2, Map.of())).end(HandlerOutcome.DEAD_LETTERED, new ArithmeticException());
            timed.publishStarted(publish("order.placed", new EventAttributes())).end(-1, new IllegalArgumentException());
        }

        assertThat(meters.get("herald.process").tags("outcome", "success", "error.type", "none", "error", "none").timer().count())
                .isEqualTo(3);
        assertThat(meters.get("herald.process").tags("outcome", "retried", "error.type", "java.lang.IllegalStateException",
                "error", "IllegalStateException").timer().count()).isEqualTo(3);
        assertThat(meters.get("herald.process").tags("outcome", "dead_lettered", "error.type",
                "java.lang.ArithmeticException", "error", "ArithmeticException").timer().count()).isEqualTo(3);
        assertThat(meters.get("herald.process").timers()).hasSize(3);
        assertThat(meters.get("herald.publish").tags("outcome", "error", "error.type", "java.lang.IllegalArgumentException",
                "messaging.destination.name", "order.placed").timer().count()).isEqualTo(3);
        assertThat(meters.get("herald.process.active").longTaskTimer().activeTasks()).isZero();
    }

    @Test
    void anAnonymousExceptionClassIsNamedInFull() {
        RuntimeException anonymous = new RuntimeException("anonymous") {
        };
        HandlerObservation run = observer.handlerStarted(run("audit", 1, Map.of()));
        run.end(HandlerOutcome.DEAD_LETTERED, anonymous);

        assertThat(registry).hasObservationWithNameEqualTo("herald.process").that()
                .hasLowCardinalityKeyValue("error.type", anonymous.getClass().getName())
                .hasError(anonymous);
    }

    @Test
    void theErrorTypeIsTheClassInsideACompletionOrExecutionExceptionAsOpenTelemetrysObserverGivesIt() {
        IllegalStateException cause = new IllegalStateException("Redis down past the publish timeout");
        observer.publishStarted(publish("order.placed", new EventAttributes()))
                .end(-1, new CompletionException(new ExecutionException(cause)));

        assertThat(registry).hasObservationWithNameEqualTo("herald.publish").that()
                .hasLowCardinalityKeyValue("error.type", "java.lang.IllegalStateException");
    }

    @Test
    void theProcessObservationIsCurrentWhileTheHandlerRunsAndNoLongerAfter() {
        HandlerObservation run = observer.handlerStarted(run("audit", 1, Map.of()));
        assertThat(registry.getCurrentObservation()).isNull();

        Observation current;
        try (Scope scope = run.makeCurrent()) {
            current = registry.getCurrentObservation();
            assertThat(current).isNotNull();
            assertThat(current.getContext()).isInstanceOf(HeraldProcessContext.class);
        }
        assertThat(registry.getCurrentObservation()).isNull();
        run.end(HandlerOutcome.SUCCESS, null);
    }

    @Test
    void aPublishFromInsideAHandlerIsAChildOfItsProcessObservation() {
        HandlerObservation run = observer.handlerStarted(run("audit", 1, Map.of()));
        Observation process;
        try (Scope scope = run.makeCurrent()) {
            process = registry.getCurrentObservation();
            observer.publishStarted(publish("order.shipped", new EventAttributes())).end(10, null);
        }
        run.end(HandlerOutcome.SUCCESS, null);

        assertThat(registry).hasObservationWithNameEqualTo("herald.publish").that()
                .hasLowCardinalityKeyValue("messaging.destination.name", "order.shipped")
                .hasParentObservationEqualTo(process);
    }

    @Test
    void theTraceContextIsWrittenIntoTheEventOnPublishAndReadFromItByTheHandlingSide() {
        TestObservationRegistry traced = TestObservationRegistry.create();
        PropagatingHandler propagating = new PropagatingHandler();
        traced.observationConfig().observationHandler(propagating);
        BusObserver tracing = MicrometerObserver.of(traced);
        EventAttributes attributes = new EventAttributes();

        tracing.publishStarted(publish("order.placed", attributes)).end(100, null);
        assertThat(attributes.values).containsOnly(Map.entry("traceparent", PropagatingHandler.TRACEPARENT),
                Map.entry("tracestate", PropagatingHandler.TRACESTATE));

        tracing.handlerStarted(run("audit", 1, attributes.values)).end(HandlerOutcome.SUCCESS, null);
        assertThat(propagating.extracted).containsExactly(PropagatingHandler.TRACEPARENT, PropagatingHandler.TRACESTATE);
    }

    @Test
    void aTraceFieldThatIsNoExtensionNameIsLeftOutAndThePublishGoesOn() {
        TestObservationRegistry traced = TestObservationRegistry.create();
        traced.observationConfig().observationHandler(new ObservationHandler<SenderContext<Object>>() {
            @Override
            @SuppressWarnings("unchecked")
            public void onStart(SenderContext<Object> context) {
                context.getSetter().set(context.getCarrier(), "X-B3-TraceId", "0af7651916cd43dd");
                context.getSetter().set(context.getCarrier(), "b3", "0af7651916cd43dd-b7ad6b7169203331-1");
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof SenderContext;
            }
        });
        EventAttributes attributes = new EventAttributes();

        MicrometerObserver.of(traced).publishStarted(publish("order.placed", attributes)).end(100, null);

        assertThat(attributes.values).containsOnlyKeys("b3");
        assertThat(traced).hasObservationWithNameEqualTo("herald.publish").that()
                .hasLowCardinalityKeyValue("outcome", "success");
    }

    @Test
    void aCustomConventionRenamesTheObservationAndAddsKeys() {
        BusObserver custom = MicrometerObserver.builder(registry)
                .publishConvention(new DefaultHeraldPublishObservationConvention() {
                    @Override
                    public String getName() {
                        return "orders.publish";
                    }

                    @Override
                    public KeyValues getLowCardinalityKeyValues(HeraldPublishContext context) {
                        return super.getLowCardinalityKeyValues(context).and("tenant", "acme");
                    }
                })
                .build();

        custom.publishStarted(publish("order.placed", new EventAttributes())).end(1, null);

        assertThat(registry).hasObservationWithNameEqualTo("orders.publish").that()
                .hasLowCardinalityKeyValue("tenant", "acme")
                .hasLowCardinalityKeyValue("outcome", "success");
    }

    @Test
    void aGlobalConventionOfTheRegistryIsUsedWhenNoneWasGiven() {
        registry.observationConfig().observationConvention(new GlobalProcessConvention());

        observer.handlerStarted(run("audit", 1, Map.of())).end(HandlerOutcome.SUCCESS, null);

        assertThat(registry).hasObservationWithNameEqualTo("herald.process").that()
                .hasLowCardinalityKeyValue("handler", "audit")
                .doesNotHaveLowCardinalityKeyValueWithKey("messaging.consumer.group.name");
    }

    @Test
    void withANoopRegistryNothingIsObserved() {
        BusObserver noop = MicrometerObserver.of(ObservationRegistry.NOOP);

        assertThat(noop.publishStarted(publish("order.placed", new EventAttributes()))).isSameAs(PublishObservation.NONE);
        assertThat(noop.handlerStarted(run("audit", 1, Map.of()))).isSameAs(HandlerObservation.NONE);
    }

    private static final class GlobalProcessConvention extends DefaultHeraldProcessObservationConvention
            implements GlobalObservationConvention<HeraldProcessContext> {
        @Override
        public KeyValues getLowCardinalityKeyValues(HeraldProcessContext context) {
            return KeyValues.of("handler", context.run().handlerName());
        }
    }
}
