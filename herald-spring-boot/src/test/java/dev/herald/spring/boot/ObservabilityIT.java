package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.micrometer.HeraldMeterObservationHandler;
import dev.herald.redis.RedisEventBus;
import dev.herald.spring.internal.FirstMeterHandler;
import dev.herald.testkit.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With herald-micrometer, the bus is observed in the application's ObservationRegistry and its meters bound. */
class ObservabilityIT {

    static final RedisServer redis = RedisServer.start();

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void theBusIsObservedInTheApplicationsObservationRegistry() {
        Contexts.on(redis).withPropertyValues("herald.prefix=observe-it").withUserConfiguration(Observations.class).run(context -> {
            context.getBean(RedisEventBus.class).publish(new OrderPlaced("o-1")).join();
            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                    .hasObservationWithNameEqualTo("herald.publish").that().hasBeenStarted().hasBeenStopped();
        });
    }

    @Test
    void theBusMetersAppearInTheApplicationsMeterRegistryWithNoHelp() {
        Contexts.on(redis).withConfiguration(AutoConfigurations.of(Contexts.metricsAutoConfigurations()))
                .withPropertyValues("herald.prefix=meters-it").run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(registry.get("herald.health").gauge().value()).isEqualTo(1.0));
                });
    }

    @Test
    void heraldsObservationsAreTimedByHeraldsMeterHandlerAndEveryOtherByMicrometers() {
        withMetersAndObservations()
                .withPropertyValues("herald.prefix=meter-handler-it").run(context -> {
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    ObservationRegistry observations = context.getBean(ObservationRegistry.class);
                    assertThat(context.getBeanProvider(ObservationHandler.class).orderedStream().findFirst())
                            .hasValueSatisfying(first -> assertThat(first).hasToString(
                                    "HeraldMeterObservationHandler[" + meters + "]"));

                    context.getBean(RedisEventBus.class).publish(new OrderPlaced("o-1")).join();
                    Observation.createNotStarted("orders.checkout", observations).observe(() -> { });

                    assertThat(publishesTimed(meters)).isEqualTo(1);
                    // Micrometer's handler would have made a long-task timer of it too
                    assertThat(meters.find("herald.publish.active").longTaskTimers()).isEmpty();
                    assertThat(meters.get("orders.checkout").timer().count()).isEqualTo(1);
                    assertThat(meters.find("orders.checkout.active").longTaskTimers()).hasSize(1);
                });
    }

    @Test
    void withHeraldsMeterHandlerOffBootsOwnTimesHeraldsObservationsWithItsLongTaskTimers() {
        withMetersAndObservations()
                .withPropertyValues("herald.prefix=meter-handler-off-it", "herald.observations.meter-handler.enabled=false")
                .run(context -> {
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(context).doesNotHaveBean(FirstMeterHandler.class);

                    context.getBean(RedisEventBus.class).publish(new OrderPlaced("o-1")).join();

                    assertThat(publishesTimed(meters)).isEqualTo(1);
                    assertThat(meters.find("herald.publish.active").longTaskTimers()).hasSize(1);
                });
    }

    @Test
    void anApplicationsOwnHeraldMeterHandlerIsTheOneUsed() {
        withMetersAndObservations()
                .withPropertyValues("herald.prefix=own-meter-handler-it")
                .withBean(HeraldMeterObservationHandler.class, () -> new HeraldMeterObservationHandler(new SimpleMeterRegistry()))
                .run(context -> assertThat(context).doesNotHaveBean(FirstMeterHandler.class)
                        .hasSingleBean(HeraldMeterObservationHandler.class));
    }

    /** An application with Spring Boot's meter registry and observation registry, on the test's Redis. */
    private static ApplicationContextRunner withMetersAndObservations() {
        return Contexts.on(redis)
                .withConfiguration(AutoConfigurations.of(Contexts.metricsAutoConfigurations()))
                .withConfiguration(AutoConfigurations.of(Contexts.observationAutoConfiguration()));
    }

    /** How many successful publishes the {@code herald.publish} timer counted. */
    private static long publishesTimed(MeterRegistry meters) {
        return meters.get("herald.publish").tags("outcome", "success", "error", "none").timer().count();
    }

    @Configuration(proxyBeanMethods = false)
    static class Observations {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }
}
