package dev.herald.spring.boot;

import dev.herald.testkit.RedisServer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Application contexts with Spring Boot's Redis auto-configuration (of the Boot version on the class path) and Herald's. */
final class Contexts {

    private Contexts() {
    }

    static ApplicationContextRunner on(RedisServer redis) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(redisAutoConfiguration(), HeraldAutoConfiguration.class,
                        HeraldListenerAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.port=" + redis.port());
    }

    /** Boot 4's DataRedisAutoConfiguration, or Boot 3.5's RedisAutoConfiguration. */
    static Class<?> redisAutoConfiguration() {
        return either("org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
                "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration");
    }

    /** Spring Boot's metrics auto-configuration with a simple registry, which binds each MeterBinder bean to it. */
    static Class<?>[] metricsAutoConfigurations() {
        String boot4 = "org.springframework.boot.micrometer.metrics.autoconfigure.";
        String boot35 = "org.springframework.boot.actuate.autoconfigure.metrics.";
        return new Class<?>[] {either(boot4 + "MetricsAutoConfiguration", boot35 + "MetricsAutoConfiguration"),
                either(boot4 + "CompositeMeterRegistryAutoConfiguration", boot35 + "CompositeMeterRegistryAutoConfiguration"),
                either(boot4 + "export.simple.SimpleMetricsExportAutoConfiguration",
                        boot35 + "export.simple.SimpleMetricsExportAutoConfiguration")};
    }

    /** Spring Boot's auto-configuration of the application's {@code ObservationRegistry}. */
    static Class<?> observationAutoConfiguration() {
        return either("org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration");
    }

    /** The class of Boot 4's name, or of Boot 3.5's. */
    private static Class<?> either(String boot4, String boot35) {
        for (String name : new String[] {boot4, boot35}) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                // the other Boot version
            }
        }
        throw new IllegalStateException("neither " + boot4 + " nor " + boot35 + " is on the class path");
    }
}
