package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testkit.RedisServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load tool works end to end on a small run; its figures are measured elsewhere, never asserted. */
class BenchSmokeIT {

    @Test
    void everyVariantDeliversEveryEventOfASmallRun() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            E2eOptions options = E2eOptions.parse(new String[] {"--events", "2000", "--size", "256"});
            E2e bench = new E2e(options, redis.uri());
            for (String variant : List.of("herald", "herald_shared", "lettuce_async", "lettuce_batched", "lettuce_best", "jedis", "sockets",
                    "herald_streams", "lettuce_streams")) {
                E2e.Outcome outcome = bench.run(variant, 2000);
                assertThat(outcome.unique()).as(variant).isEqualTo(2000);
                assertThat(outcome.lost()).as(variant).isZero();
                assertThat(outcome.deliveredPerSecond()).as(variant).isPositive();
            }
        }
    }

    @Test
    void badOptionsAreNamedWithWhatWouldBeRight() {
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--events", "lots"}))
                .hasMessageContaining("--events").hasMessageContaining("'lots'");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--mode", "kafka"})).hasMessageContaining("pubsub or streams");
        assertThatThrownBy(() -> E2eOptions.parse(new String[] {"--frobnicate"})).hasMessageContaining("'--frobnicate'");
        assertThat(E2eOptions.parse(new String[] {"--mode", "streams"}).variantsToRun())
                .containsExactly("herald_streams", "lettuce_streams");
    }
}
