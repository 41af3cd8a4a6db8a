package dev.herald.spring.internal;

import dev.herald.spring.HeraldListener;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds the {@link HeraldListener @HeraldListener} methods of each bean as it is initialized,
 * checks them, and keeps them for {@link BusLifecycle} to subscribe before the bus starts (as
 * Spring Kafka registers its listener methods). A bad method, or two handlers of one name, fail
 * the bean's creation, and so the application's startup, with a message naming them.
 * Thread-safe.
 */
public final class ListenerMethods implements BeanPostProcessor {

    private final Map<String, ListenerMethod> byName = new LinkedHashMap<>();
    private final List<ListenerMethod> pending = new ArrayList<>();
    private BusLifecycle.@Nullable Subscriber subscriber;

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        Map<Method, HeraldListener> annotated = MethodIntrospector.selectMethods(targetClass,
                (MethodIntrospector.MetadataLookup<HeraldListener>) m -> AnnotatedElementUtils.findMergedAnnotation(m, HeraldListener.class));
        for (Map.Entry<Method, HeraldListener> e : annotated.entrySet()) {
            add(ListenerMethod.of(bean, beanName, targetClass, e.getKey(), e.getValue()));
        }
        return bean;
    }

    private void add(ListenerMethod listener) {
        BusLifecycle.Subscriber now;
        synchronized (this) {
            ListenerMethod other = byName.putIfAbsent(listener.handlerName(), listener);
            if (other != null) {
                throw new IllegalStateException("@HeraldListener methods " + other.description() + " and " + listener.description()
                        + " are both named handler '" + listener.handlerName() + "': give one another name with @HeraldListener(name = \"...\")");
            }
            now = subscriber;
            if (now == null) {
                pending.add(listener);
                return;
            }
        }
        now.subscribe(listener); // a bean made after the bus started (lazy, say)
    }

    /**
     * The methods found so far, and from now on each as it is found.
     *
     * @param to what subscribes them
     */
    void subscribeAll(BusLifecycle.Subscriber to) {
        List<ListenerMethod> found;
        synchronized (this) {
            found = List.copyOf(pending);
            pending.clear();
            subscriber = to;
        }
        found.forEach(to::subscribe);
    }

    /**
     * The handler names of the methods found.
     *
     * @return the names, in the order found
     */
    synchronized List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * The methods found, described for messages.
     *
     * @return their descriptions, in the order found
     */
    synchronized List<String> descriptions() {
        return byName.values().stream().map(ListenerMethod::description).toList();
    }
}
