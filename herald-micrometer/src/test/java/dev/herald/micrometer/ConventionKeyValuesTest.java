package dev.herald.micrometer;

import static dev.herald.micrometer.ObserverCalls.publish;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Envelope;
import dev.herald.micrometer.ObserverCalls.EventAttributes;
import dev.herald.spi.BusObserver.HandlerOutcome;
import dev.herald.spi.BusObserver.HandlerRun;
import dev.herald.spi.BusObserver.Publish;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ConcurrentModificationException;
import java.util.EmptyStackException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The key values of Herald's default conventions are made once per destination, handler, outcome
 * and error type and kept, within caps: whatever was kept, each observation gets its own.
 */
class ConventionKeyValuesTest {

    /** More distinct exception classes than a handler and outcome keep the key values of. */
    private static final List<Supplier<Exception>> ERRORS = List.of(IllegalStateException::new,
            IllegalArgumentException::new, UnsupportedOperationException::new, ArithmeticException::new,
            ArrayStoreException::new, ClassCastException::new, NullPointerException::new, IndexOutOfBoundsException::new,
            ArrayIndexOutOfBoundsException::new, StringIndexOutOfBoundsException::new, NegativeArraySizeException::new,
            SecurityException::new, NoSuchElementException::new, ConcurrentModificationException::new, IOException::new,
            TimeoutException::new, CancellationException::new, RejectedExecutionException::new, InterruptedException::new,
            CloneNotSupportedException::new, NumberFormatException::new, EmptyStackException::new,
            () -> new DateTimeException("bad"));

    private final DefaultHeraldProcessObservationConvention process = new DefaultHeraldProcessObservationConvention();
    private final DefaultHeraldPublishObservationConvention publish = new DefaultHeraldPublishObservationConvention();

    @Test
    void eachHandlerRunGetsItsOwnOutcomeAndErrorTypeWhateverRanBeforeOnTheSameHandler() {
        for (int round = 0; round < 2; round++) {
            for (HandlerOutcome outcome : HandlerOutcome.values()) {
                assertThat(processEnded("redis", "order.placed", "audit", outcome, null)).containsExactly(
                        Map.entry("error.type", "none"), Map.entry("messaging.consumer.group.name", "audit"),
                        Map.entry("messaging.destination.name", "order.placed"), Map.entry("messaging.system", "redis"),
                        Map.entry("outcome", outcome.tagValue()));
                for (Supplier<Exception> error : ERRORS) {
                    Exception thrown = error.get();
                    assertThat(processEnded("redis", "order.placed", "audit", outcome, thrown))
                            .containsEntry("outcome", outcome.tagValue())
                            .containsEntry("error.type", thrown.getClass().getName())
                            .containsEntry("messaging.consumer.group.name", "audit");
                }
            }
        }
        assertThat(process.handlersKept()).isEqualTo(1);
    }

    @Test
    void theErrorTypesKeptPerHandlerAndOutcomeAreCapped() {
        ProcessKeyValues keys = new ProcessKeyValues("redis", "order.placed", "audit");
        PublishKeyValues published = new PublishKeyValues("redis", "order.placed");
        for (Supplier<Exception> error : ERRORS) {
            Exception thrown = error.get();
            assertThat(keys.ended(HandlerOutcome.RETRIED, thrown).stream().map(KeyValue::getValue))
                    .contains(thrown.getClass().getName(), "retried");
            assertThat(published.ended(thrown).stream().map(KeyValue::getValue)).contains(thrown.getClass().getName(), "error");
        }
        assertThat(ERRORS).hasSizeGreaterThan(ProcessKeyValues.MAX_ERROR_TYPES);
        assertThat(keys.errorTypesKept()).isEqualTo(ProcessKeyValues.MAX_ERROR_TYPES);
        assertThat(published.errorTypesKept()).isEqualTo(PublishKeyValues.MAX_ERROR_TYPES);
    }

    @Test
    void theErrorTypeIsTheWrappedClassAlsoWhenItsKeyValuesAreKept() {
        for (int i = 0; i < 3; i++) {
            assertThat(processEnded("redis", "t", "h", HandlerOutcome.DEAD_LETTERED,
                    new CompletionException(new IllegalStateException()))).containsEntry("error.type", "java.lang.IllegalStateException");
        }
    }

    @Test
    void handlersAndDestinationsKeptAreCappedAndTheOnesPastTheCapAreNamedAlike() {
        for (int i = 0; i < DefaultHeraldProcessObservationConvention.MAX_HANDLERS + 10; i++) {
            String handler = "handler-" + i;
            String system = i % 2 == 0 ? "redis" : "herald-memory";
            assertThat(processEnded(system, "type-" + (i % 7), handler, HandlerOutcome.SUCCESS, null))
                    .containsEntry("messaging.system", system)
                    .containsEntry("messaging.destination.name", "type-" + (i % 7))
                    .containsEntry("messaging.consumer.group.name", handler)
                    .containsEntry("outcome", "success");
            HeraldProcessContext context = new HeraldProcessContext(run(system, "type-" + (i % 7), handler));
            assertThat(process.getContextualName(context)).isEqualTo("process type-" + (i % 7));
        }
        for (int i = 0; i < DefaultHeraldPublishObservationConvention.MAX_DESTINATIONS + 10; i++) {
            HeraldPublishContext context = new HeraldPublishContext(
                    new Publish("redis", "type-" + i, "id-" + i, "orders-service", new EventAttributes()));
            assertThat(map(publish.getLowCardinalityKeyValues(context))).containsExactly(
                    Map.entry("messaging.destination.name", "type-" + i), Map.entry("messaging.system", "redis"));
            assertThat(publish.getContextualName(context)).isEqualTo("send type-" + i);
        }
        assertThat(process.handlersKept()).isEqualTo(DefaultHeraldProcessObservationConvention.MAX_HANDLERS);
        assertThat(publish.destinationsKept()).isEqualTo(DefaultHeraldPublishObservationConvention.MAX_DESTINATIONS);
    }

    @Test
    void theSameTypeAndHandlerOnTwoSystemsKeepTheirOwnSystem() {
        assertThat(processEnded("redis", "order.placed", "audit", HandlerOutcome.SUCCESS, null))
                .containsEntry("messaging.system", "redis");
        assertThat(processEnded("herald-memory", "order.placed", "audit", HandlerOutcome.SUCCESS, null))
                .containsEntry("messaging.system", "herald-memory");
        HeraldPublishContext memory = new HeraldPublishContext(
                new Publish("herald-memory", "order.placed", "id-1", "orders-service", new EventAttributes()));
        publish.getLowCardinalityKeyValues(new HeraldPublishContext(publish("order.placed", new EventAttributes())));
        assertThat(map(publish.getLowCardinalityKeyValues(memory))).containsEntry("messaging.system", "herald-memory");
    }

    @Test
    void aPublishGetsSuccessOrItsOwnErrorTypeWhateverEndedBefore() {
        for (int round = 0; round < 2; round++) {
            for (Supplier<Exception> error : ERRORS.subList(0, 4)) {
                Exception thrown = error.get();
                assertThat(publishEnded(thrown)).containsEntry("outcome", "error")
                        .containsEntry("error.type", thrown.getClass().getName());
                assertThat(publishEnded(null)).containsExactly(Map.entry("error.type", "none"),
                        Map.entry("messaging.destination.name", "order.placed"), Map.entry("messaging.system", "redis"),
                        Map.entry("outcome", "success"));
            }
        }
    }

    @Test
    void theHighCardinalityKeyValuesAreEachEventsOwn() {
        HeraldPublishContext first = new HeraldPublishContext(new Publish("redis", "t", "id-1", "s", new EventAttributes()));
        HeraldPublishContext second = new HeraldPublishContext(new Publish("redis", "t", "id-2", "s", new EventAttributes()));
        assertThat(map(publish.getHighCardinalityKeyValues(first))).containsExactly(Map.entry("messaging.message.id", "id-1"));
        second.ended(512);
        assertThat(map(publish.getHighCardinalityKeyValues(second))).containsExactly(
                Map.entry("messaging.message.body.size", "512"), Map.entry("messaging.message.id", "id-2"));
        assertThat(map(process.getHighCardinalityKeyValues(new HeraldProcessContext(run("redis", "t", "h")))))
                .containsExactly(Map.entry("messaging.message.id", "event-t"));
    }

    private Map<String, String> processEnded(String system, String type, String handler, HandlerOutcome outcome,
            @Nullable Throwable error) {
        HeraldProcessContext context = new HeraldProcessContext(run(system, type, handler));
        assertThat(map(process.getLowCardinalityKeyValues(context))).doesNotContainKeys("outcome", "error.type");
        context.setError(error);
        context.ended(outcome);
        return map(process.getLowCardinalityKeyValues(context));
    }

    private Map<String, String> publishEnded(@Nullable Throwable error) {
        HeraldPublishContext context = new HeraldPublishContext(publish("order.placed", new EventAttributes()));
        assertThat(map(publish.getLowCardinalityKeyValues(context))).doesNotContainKeys("outcome", "error.type");
        context.setError(error);
        context.ended(error == null ? 10 : -1);
        return map(publish.getLowCardinalityKeyValues(context));
    }

    private static HandlerRun run(String system, String type, String handler) {
        Envelope<Object> event = new Envelope<>("event-" + type, type, "orders-service", Instant.EPOCH, null, null, null,
                Map.of(), Map.of());
        return new HandlerRun(system, handler, 1, event);
    }

    /** The key values in their order, as a map. */
    static Map<String, String> map(KeyValues keyValues) {
        return keyValues.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue, (a, b) -> b, LinkedHashMap::new));
    }
}
