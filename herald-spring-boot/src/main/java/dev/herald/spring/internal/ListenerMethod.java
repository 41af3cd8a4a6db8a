package dev.herald.spring.internal;

import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventHandler;
import dev.herald.Subscription;
import dev.herald.SubscriptionOptions;
import dev.herald.spring.HeraldListener;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * One {@link HeraldListener @HeraldListener} method of a bean, checked: the handler it makes, its
 * event class and its options. Immutable.
 *
 * @param handlerName the handler's name
 * @param eventClass the class of the events it takes
 * @param envelope whether the method takes {@code Envelope<E>} rather than {@code E}
 * @param options its options from the annotation, the name included
 * @param retry the annotation's retry settings, merged over the bus's policy when subscribing ({@link HandlerOptions})
 * @param bean the bean (a proxy, if it is one), on which the method is called
 * @param method the method to call on the bean
 * @param description the method for messages: {@code OrderListeners.sendConfirmation(OrderPlaced) of bean 'orderListeners'}
 */
public record ListenerMethod(String handlerName, Class<?> eventClass, boolean envelope, SubscriptionOptions options,
        HeraldListener.Retry retry, Object bean, Method method, String description) {

    /** Validates. */
    public ListenerMethod {
        Objects.requireNonNull(handlerName, "handlerName");
        Objects.requireNonNull(eventClass, "eventClass");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(bean, "bean");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(description, "description");
    }

    /**
     * Checks a method and makes its handler.
     *
     * @param bean the bean
     * @param beanName its name
     * @param targetClass the bean's class (behind a proxy)
     * @param method the annotated method, as declared on {@code targetClass}
     * @param annotation its annotation
     * @return the listener method
     * @throws IllegalStateException naming the method, what is wrong and what would be right
     */
    public static ListenerMethod of(Object bean, String beanName, Class<?> targetClass, Method method, HeraldListener annotation) {
        String description = targetClass.getSimpleName() + "." + method.getName() + "(" + parameterNames(method) + ") of bean '"
                + beanName + "'";
        String right = "a @HeraldListener method takes one parameter, the event class or Envelope of it, such as"
                + " 'void on(OrderPlaced event)' or 'void on(Envelope<OrderPlaced> event)', and returns void";
        if (Modifier.isStatic(method.getModifiers())) {
            throw new IllegalStateException("@HeraldListener method " + description + " is static: " + right
                    + ", on a bean instance");
        }
        if (method.getParameterCount() != 1) {
            throw new IllegalStateException("@HeraldListener method " + description + " takes " + method.getParameterCount()
                    + " parameters: " + right);
        }
        if (method.getReturnType() != void.class) {
            throw new IllegalStateException("@HeraldListener method " + description + " returns "
                    + method.getReturnType().getSimpleName() + ", which would be lost: " + right
                    + " (to publish an event, inject the EventBus and publish it)");
        }
        ResolvableType parameter = ResolvableType.forMethodParameter(method, 0, targetClass);
        Class<?> raw = parameter.toClass();
        boolean envelope = raw == Envelope.class;
        Class<?> eventClass = envelope ? parameter.getGeneric(0).resolve() : raw;
        if (eventClass == null || eventClass == Object.class) {
            throw new IllegalStateException("@HeraldListener method " + description + " takes "
                    + parameter + ", which names no event class: " + right);
        }
        if (eventClass.isPrimitive() || eventClass.isArray() || eventClass == Envelope.class) {
            throw new IllegalStateException("@HeraldListener method " + description + " takes " + parameter
                    + ", which is no event class: " + right);
        }
        String name = annotation.name().isEmpty() ? beanName + "." + method.getName() : annotation.name();
        SubscriptionOptions options;
        try {
            options = SubscriptionOptions.named(name).withConcurrency(annotation.concurrency());
            if (annotation.orderedBySubject()) {
                options = options.orderedBySubject();
            }
            // durations parsed now; the policy is merged over the bus's and checked at subscription (HandlerOptions)
            if (!annotation.retry().initialDelay().isEmpty()) {
                HandlerOptions.duration("initialDelay", annotation.retry().initialDelay());
            }
            if (!annotation.retry().maxDelay().isEmpty()) {
                HandlerOptions.duration("maxDelay", annotation.retry().maxDelay());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("@HeraldListener method " + description + ": " + e.getMessage()
                    + (annotation.name().isEmpty() ? " (the name is derived from the bean's and the method's: set name = \"...\")" : ""), e);
        }
        Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
        ReflectionUtils.makeAccessible(invocable);
        return new ListenerMethod(name, eventClass, envelope, options, annotation.retry(), bean, invocable, description);
    }

    /**
     * Subscribes the method to a bus.
     *
     * @param bus the bus
     * @param subscriptionOptions the options, from {@link HandlerOptions#of}
     * @return the subscription
     * @throws IllegalStateException naming the method, if the bus refuses it
     */
    public Subscription subscribe(EventBus bus, SubscriptionOptions subscriptionOptions) {
        try {
            return subscribeTyped(bus, eventClass, subscriptionOptions);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("cannot subscribe @HeraldListener method " + description + " as handler '"
                    + handlerName + "': " + e.getMessage(), e);
        }
    }

    private <E> Subscription subscribeTyped(EventBus bus, Class<E> type, SubscriptionOptions subscriptionOptions) {
        EventHandler<E> handler = envelope ? this::invoke : e -> invoke(e.payload());
        return bus.subscribe(type, subscriptionOptions, handler);
    }

    /** Calls the method; what it throws is thrown as it is, for the handler's retry policy to judge. */
    private void invoke(@Nullable Object argument) throws Exception {
        try {
            method.invoke(bean, argument);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static String parameterNames(Method method) {
        StringBuilder s = new StringBuilder();
        for (Class<?> p : method.getParameterTypes()) {
            s.append(s.length() == 0 ? "" : ", ").append(p.getSimpleName());
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "ListenerMethod[" + handlerName + ": " + description + "]";
    }
}
