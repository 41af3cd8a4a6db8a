package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.BusState;
import dev.herald.BusStats;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.memory.InMemoryEventBus;
import dev.herald.redis.RedisEventBus;
import dev.herald.redis.StreamsHealth;
import dev.herald.spring.HeraldListener;
import dev.herald.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.util.unit.DataSize;

/** The auto-configuration in application contexts on a real redis-server. */
class HeraldAutoConfigurationIT {

    static final RedisServer redis = RedisServer.start();

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void propertiesBindAndMakeTheBus() {
        Contexts.on(redis).withPropertyValues("spring.application.name=billing", "herald.mode=streams",
                "herald.prefix=bind-it", "herald.retry.max-attempts=5", "herald.retry.initial-delay=50ms",
                "herald.streams.retention=5000", "herald.streams.visibility-timeout=10s",
                "herald.handlers[billing.audit].concurrency=3", "herald.shutdown-timeout=5s", "herald.max-message-size=2MB",
                "herald.max-in-flight-publishes=50", "herald.dead-letters.retention=1000", "herald.dead-letters.raw-limit=4KB")
                .withUserConfiguration(Recording.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    HeraldProperties properties = context.getBean(HeraldProperties.class);
                    assertThat(properties.mode()).isEqualTo(RedisEventBus.Mode.STREAMS);
                    assertThat(dev.herald.spring.internal.BusProperties.busRetry(properties).maxAttempts()).isEqualTo(5);
                    assertThat(properties.streams().visibilityTimeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(properties.handlers().get("billing.audit").concurrency()).isEqualTo(3);
                    assertThat(properties.maxMessageSize()).isEqualTo(DataSize.ofMegabytes(2));
                    assertThat(properties.deadLetters().rawLimit()).isEqualTo(DataSize.ofKilobytes(4));

                    RedisEventBus bus = context.getBean(RedisEventBus.class);
                    assertThat(bus.health().transport(StreamsHealth.class)).get()
                            .satisfies(h -> assertThat(h.streamRetention()).isEqualTo(5000));
                    assertThat(bus.publish(new OrderPlaced("7")).join().source()).isEqualTo("billing");
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(context.getBean(Recording.class).orders).contains(new OrderPlaced("7")));
                });
    }

    @Test
    void anOptionOfTheOtherModeFailsStartup() {
        Contexts.on(redis).withPropertyValues("herald.streams.retention=5000").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("herald.streams.* is set but herald.mode is pubsub"));
    }

    @Test
    void aValueTheBusRefusesFailsStartupNamingTheProperty() {
        Contexts.on(redis).withPropertyValues("herald.prefix=not a prefix").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("herald.prefix: prefix must be 1 to 64 letters"));
        Contexts.on(redis).withPropertyValues("herald.max-message-size=1GB").run(context -> assertThat(context)
                .getFailure().hasStackTraceContaining("herald.max-message-size: maxMessageSize must be between 1024 bytes and 512 MiB"));
        Contexts.on(redis).withPropertyValues("herald.shutdown-timeout=40s").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("spring.lifecycle.timeout-per-shutdown-phase (PT30S)"));
    }

    @Test
    void aListenerOfTheWrongShapeFailsStartupNamingIt() {
        Contexts.on(redis).withUserConfiguration(TwoParameters.class).run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining("@HeraldListener method TwoParameters.on(OrderPlaced, String) of bean '")
                .hasMessageContaining("TwoParameters' takes 2 parameters: a @HeraldListener method takes one parameter, the event class"
                        + " or Envelope of it, such as 'void on(OrderPlaced event)' or 'void on(Envelope<OrderPlaced> event)'"));
        Contexts.on(redis).withUserConfiguration(Returns.class).run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining("Returns.on(OrderPlaced) of bean '").hasMessageContaining("returns String, which would be lost"));
        Contexts.on(redis).withUserConfiguration(NoDuration.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("NoDuration.on(OrderPlaced) of bean '")
                .hasStackTraceContaining("retry initialDelay 'soon' is no duration: write it as '100ms', '2s' or 'PT2S'"));
        Contexts.on(redis).withUserConfiguration(Wildcard.class).run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining("Wildcard.on(Envelope) of bean '")
                .hasMessageContaining("takes dev.herald.Envelope<?>, which names no event class"));
    }

    @Test
    void aListenerOfAClassWithoutEventTypeFailsStartupNamingIt() {
        Contexts.on(redis).withUserConfiguration(UntypedListener.class).run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("cannot subscribe @HeraldListener method UntypedListener.on(Untyped) of bean '")
                .hasStackTraceContaining("as handler '"));
    }

    @Test
    void aLazyBeansListenerIsSubscribedWhenTheBeanIsMadeAfterTheBusStarted() {
        Contexts.on(redis).withPropertyValues("herald.prefix=lazy-it").withUserConfiguration(LazyListener.class).run(context -> {
            RedisEventBus bus = context.getBean(RedisEventBus.class);
            assertThat(bus.health().subscriptions()).isZero();
            LazyRecording recording = context.getBean(LazyRecording.class);
            assertThat(bus.health().subscriptions()).isEqualTo(1);
            bus.publish(new OrderPlaced("late")).join();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recording.orders).contains(new OrderPlaced("late")));
        });
    }

    @Test
    void aHandlerOverrideOfNoListenerFailsStartup() {
        Contexts.on(redis).withPropertyValues("herald.handlers[nope].concurrency=2").withUserConfiguration(Recording.class)
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("herald.handlers[nope] names no @HeraldListener handler; the handlers are [billing.audit]"));
    }

    @Test
    void backsOffForTheApplicationsOwnBusAndStillStartsItWithItsListeners() {
        Contexts.on(redis).withUserConfiguration(OwnBus.class, Recording.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(EventBus.class).doesNotHaveBean(RedisEventBus.class);
            EventBus bus = context.getBean(EventBus.class);
            assertThat(bus).isInstanceOf(InMemoryEventBus.class);
            bus.publish(new OrderPlaced("8")).join();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(context.getBean(Recording.class).orders).contains(new OrderPlaced("8")));
        });
    }

    @Test
    void closingTheContextLosesNothingReceived() {
        AtomicReference<RedisEventBus> busRef = new AtomicReference<>();
        int published = 40;
        Contexts.on(redis).withPropertyValues("herald.prefix=close-it", "herald.shutdown-timeout=200ms")
                .withUserConfiguration(Slow.class).run(context -> {
                    RedisEventBus bus = context.getBean(RedisEventBus.class);
                    busRef.set(bus);
                    for (int i = 0; i < published; i++) {
                        bus.publish(new OrderPlaced("slow-" + i)).join();
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> bus.stats().received() == published);
                }); // closes the context while the slow handler has most of them still to do
        BusStats stats = busRef.get().stats();
        assertThat(busRef.get().state()).isEqualTo(BusState.TERMINATED);
        assertThat(stats.parked()).as("parked at shutdown").isPositive();
        assertThat(stats.deadLettersNotStored()).as("the Redis connection factory outlived the bus").isZero();
        assertThat(stats.handled() + stats.deadLettered()).isEqualTo(published);
    }

    @Configuration(proxyBeanMethods = false)
    static class Slow {
        @HeraldListener
        void on(OrderPlaced order) throws InterruptedException {
            Thread.sleep(50);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Recording {
        final List<OrderPlaced> orders = new CopyOnWriteArrayList<>();

        @HeraldListener(name = "billing.audit")
        void on(OrderPlaced order) {
            orders.add(order);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBus {
        @Bean
        EventBus myBus() {
            return InMemoryEventBus.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoParameters {
        @HeraldListener
        void on(OrderPlaced order, String extra) {
        }
    }

    record Untyped(String id) {
    }

    @Configuration(proxyBeanMethods = false)
    static class UntypedListener {
        @HeraldListener
        void on(Untyped event) {
        }
    }

    static class LazyRecording {
        final List<OrderPlaced> orders = new CopyOnWriteArrayList<>();

        @HeraldListener
        void on(OrderPlaced order) {
            orders.add(order);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LazyListener {
        @Bean
        @Lazy
        LazyRecording lazyRecording() {
            return new LazyRecording();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NoDuration {
        @HeraldListener(retry = @HeraldListener.Retry(initialDelay = "soon"))
        void on(OrderPlaced order) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Wildcard {
        @HeraldListener
        void on(Envelope<?> event) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Returns {
        @HeraldListener
        String on(OrderPlaced order) {
            return order.orderId();
        }
    }
}
