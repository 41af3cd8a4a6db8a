package dev.herald.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CappedCacheTest {

    @Test
    void aValueIsMadeOnceAndKept() {
        CappedCache<String, String> cache = new CappedCache<>(4);
        AtomicInteger made = new AtomicInteger();

        assertThat(cache.get("a", made, (count, key) -> key + count.incrementAndGet())).isEqualTo("a1");
        assertThat(cache.get("a", made, (count, key) -> key + count.incrementAndGet())).isEqualTo("a1");
        assertThat(made).hasValue(1);
    }

    @Test
    void pastTheCapValuesAreMadeAnewEachTimeAndNotKept() {
        CappedCache<Integer, String> cache = new CappedCache<>(3);
        AtomicInteger made = new AtomicInteger();

        for (int round = 0; round < 2; round++) {
            for (int key = 0; key < 10; key++) {
                assertThat(cache.get(key, made, (count, k) -> "v" + k + "-" + count.incrementAndGet())).startsWith("v" + key + "-");
            }
        }

        assertThat(cache.size()).isEqualTo(3);
        assertThat(made).hasValue(3 + 2 * 7);
    }

    @Test
    void aForgottenValueIsMadeAgainAndOtherValuesAreKept() {
        CappedCache<String, String> cache = new CappedCache<>(4);
        String a = cache.get("a", key -> key + "-1");
        String b = cache.get("b", key -> key + "-1");

        cache.forget(a);

        assertThat(cache.get("a", key -> key + "-2")).isEqualTo("a-2");
        assertThat(cache.get("b", key -> key + "-2")).isSameAs(b);
    }

    @Test
    void aValueForgottenWhileItWasMadeIsNotKept() {
        CappedCache<String, String> cache = new CappedCache<>(4);
        String removed = "timer-removed-meanwhile";

        // the registry handed out a meter that another thread removed before the cache kept it
        assertThat(cache.get("a", key -> {
            cache.forget(removed);
            return removed;
        })).isSameAs(removed);

        assertThat(cache.size()).isZero();
        assertThat(cache.get("a", key -> "timer-registered-again")).isEqualTo("timer-registered-again");
    }

    @Test
    void aCapBelowOneIsRefused() {
        assertThatThrownBy(() -> new CappedCache<String, String>(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
