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
        for (String name : new String[] {"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
                "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"}) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                // the other Boot version
            }
        }
        throw new IllegalStateException("no Spring Boot Redis auto-configuration on the class path");
    }
}
