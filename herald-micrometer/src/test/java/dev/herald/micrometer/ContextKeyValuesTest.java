package dev.herald.micrometer;

import static dev.herald.micrometer.ConventionKeyValuesTest.map;
import static dev.herald.micrometer.ObserverCalls.publish;
import static dev.herald.micrometer.ObserverCalls.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.micrometer.ObserverCalls.EventAttributes;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Herald's contexts keep their key values without Micrometer's maps and read a convention's set
 * as it was given: whatever changes them, in whatever order, they read what Micrometer's own
 * context reads after the same changes; and they override every method of Micrometer's context
 * that reads or changes its key values.
 */
class ContextKeyValuesTest {

    private static final KeyValues STARTED = KeyValues.of("messaging.system", "redis", "messaging.destination.name", "t");
    private static final KeyValues ENDED = STARTED.and("outcome", "success", "error.type", "none");

    /** Changes, as conventions, handlers and filters make them. */
    private static final List<Consumer<Observation.Context>> CHANGES = List.of(
            c -> c.addLowCardinalityKeyValues(STARTED),
            c -> c.addLowCardinalityKeyValues(ENDED),
            c -> c.addLowCardinalityKeyValue(KeyValue.of("tenant", "acme")),
            c -> c.addLowCardinalityKeyValues(ENDED),
            c -> c.removeLowCardinalityKeyValue("tenant"),
            c -> c.addLowCardinalityKeyValues(ENDED),
            c -> c.addLowCardinalityKeyValues(STARTED),
            c -> c.addLowCardinalityKeyValues(KeyValues.of("outcome", "error")),
            c -> c.removeLowCardinalityKeyValues("outcome", "error.type"),
            c -> c.addLowCardinalityKeyValues(KeyValues.empty()),
            c -> c.addLowCardinalityKeyValues(ENDED.and("region", "eu")),
            c -> c.addLowCardinalityKeyValues(ENDED.and("region", "us")),
            c -> c.addLowCardinalityKeyValue(KeyValue.of("outcome", "retried")),
            c -> c.addLowCardinalityKeyValues(ENDED),
            c -> c.addHighCardinalityKeyValues(KeyValues.of("messaging.message.id", "id-1")),
            c -> c.addHighCardinalityKeyValue(KeyValue.of("user", "u1")),
            c -> c.addHighCardinalityKeyValues(KeyValues.of("messaging.message.id", "id-2")),
            c -> c.removeHighCardinalityKeyValue("user"),
            c -> c.addHighCardinalityKeyValue(KeyValue.of("outcome", "high")),
            c -> c.removeHighCardinalityKeyValues("nothing", "messaging.message.id"));

    @Test
    void aPublishContextReadsWhatMicrometersContextReadsAfterEachChange() {
        readsAlike(new HeraldPublishContext(publish("t", new EventAttributes())));
    }

    @Test
    void aProcessContextReadsWhatMicrometersContextReadsAfterEachChange() {
        readsAlike(new HeraldProcessContext(run("audit", 1, Map.of())));
    }

    @Test
    void theSetAConventionGaveIsReadAsItIs() {
        HeraldPublishContext context = new HeraldPublishContext(publish("t", new EventAttributes()));
        assertThat(context.getLowCardinalityKeyValues()).isEmpty();
        context.addLowCardinalityKeyValues(STARTED);
        assertThat(context.getLowCardinalityKeyValues()).isSameAs(STARTED);
        context.addLowCardinalityKeyValues(ENDED);
        assertThat(context.getLowCardinalityKeyValues()).isSameAs(ENDED);
        context.addLowCardinalityKeyValue(KeyValue.of("tenant", "acme"));
        assertThat(map(context.getLowCardinalityKeyValues())).containsEntry("tenant", "acme").hasSize(5);
    }

    @ParameterizedTest
    @ValueSource(classes = {HeraldPublishContext.class, HeraldProcessContext.class})
    void eachMethodOfMicrometersContextOnKeyValuesIsOverridden(Class<?> context) {
        List<String> onKeyValues = Arrays.stream(Observation.Context.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getName().contains("CardinalityKeyValue"))
                .map(m -> m.getName() + Arrays.toString(m.getParameterTypes())).toList();
        List<String> overridden = Arrays.stream(context.getDeclaredMethods()).filter(m -> !m.isBridge())
                .map(m -> m.getName() + Arrays.toString(m.getParameterTypes())).toList();

        assertThat(onKeyValues).hasSizeGreaterThanOrEqualTo(12);
        assertThat(overridden).containsAll(onKeyValues);
    }

    private static void readsAlike(Observation.Context herald) {
        Observation.Context micrometer = new Observation.Context();
        for (int i = 0; i < CHANGES.size(); i++) {
            CHANGES.get(i).accept(herald);
            CHANGES.get(i).accept(micrometer);
            assertThat(map(herald.getLowCardinalityKeyValues())).as("after change %d", i)
                    .containsExactlyEntriesOf(map(micrometer.getLowCardinalityKeyValues()));
            assertThat(map(herald.getHighCardinalityKeyValues())).as("after change %d", i)
                    .containsExactlyEntriesOf(map(micrometer.getHighCardinalityKeyValues()));
            assertThat(map(herald.getAllKeyValues())).as("after change %d", i)
                    .containsExactlyEntriesOf(map(micrometer.getAllKeyValues()));
            for (String key : List.of("outcome", "tenant", "region", "messaging.message.id", "user")) {
                assertThat(herald.getLowCardinalityKeyValue(key)).as("after change %d, %s", i, key)
                        .isEqualTo(micrometer.getLowCardinalityKeyValue(key));
                assertThat(herald.getHighCardinalityKeyValue(key)).as("after change %d, %s", i, key)
                        .isEqualTo(micrometer.getHighCardinalityKeyValue(key));
            }
        }
    }
}
