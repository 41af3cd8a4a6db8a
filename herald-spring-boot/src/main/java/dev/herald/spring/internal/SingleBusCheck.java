package dev.herald.spring.internal;

import dev.herald.EventBus;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Fails the application's startup when {@code @HeraldListener} methods were found
 * ({@link ListenerMethods}) but the context has no single {@link EventBus} to subscribe them to
 * (none, or several and none {@code @Primary}), rather than leaving them silently unsubscribed.
 * Checks once, after the context's singletons are made. Stateless after construction.
 */
public final class SingleBusCheck implements SmartInitializingSingleton {

    private final ListableBeanFactory beans;
    private final ListenerMethods methods;

    /**
     * @param beans the context's beans
     * @param methods the listener methods found
     */
    public SingleBusCheck(ListableBeanFactory beans, ListenerMethods methods) {
        this.beans = Objects.requireNonNull(beans, "beans");
        this.methods = Objects.requireNonNull(methods, "methods");
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> found = methods.descriptions();
        if (found.isEmpty() || beans.getBeanProvider(EventBus.class).getIfUnique() != null) {
            return;
        }
        String[] buses = beans.getBeanNamesForType(EventBus.class);
        String what = buses.length == 0
                ? "the context has no EventBus bean: define one, or add a LettuceConnectionFactory"
                        + " (spring-boot-starter-data-redis) for Herald to make one"
                : "the context has " + buses.length + " EventBus beans, " + Arrays.toString(buses)
                        + ", and none is @Primary: mark the one to subscribe them to @Primary, or define only one";
        throw new IllegalStateException("@HeraldListener methods " + found + " need one EventBus to subscribe to, but " + what);
    }
}
