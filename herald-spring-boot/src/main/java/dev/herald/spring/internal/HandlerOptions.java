package dev.herald.spring.internal;

import dev.herald.RetryPolicy;
import dev.herald.SubscriptionOptions;
import dev.herald.spring.HeraldListener;
import dev.herald.spring.boot.HeraldProperties;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * The one place where retry policies and a listener method's options are merged and checked.
 * The bus's policy is Herald's defaults under {@code herald.retry.*}; a handler's is the bus's
 * under its {@code @HeraldListener(retry = @Retry(...))}, under
 * {@code herald.handlers[<name>].retry.*}; its other options are the annotation's under
 * {@code herald.handlers[<name>].*}. Each policy is checked whole, once merged, so a value is
 * judged against the values actually applied with it; a bad one fails naming where each value
 * came from (the property, the annotation, or Herald's default) and what would be right.
 * Stateless.
 */
public final class HandlerOptions {

    private static final String DEFAULT = "Herald's default";

    private HandlerOptions() {
    }

    /**
     * The bus's retry policy: {@code herald.retry.*} over Herald's defaults.
     *
     * @param retry {@code herald.retry.*}
     * @return the policy
     * @throws IllegalArgumentException naming the properties that make a bad policy
     */
    public static RetryPolicy busRetry(HeraldProperties.Retry retry) {
        try {
            return bus(retry).policy();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the bus's " + e.getMessage(), e);
        }
    }

    /**
     * The options a listener method is subscribed with.
     *
     * @param method the method
     * @param override its {@code herald.handlers[<name>]} properties, or {@code null}
     * @param busRetry {@code herald.retry.*}, the bus's policy under the method's
     * @return the options; with a retry policy of their own only if the annotation or the
     *     properties set one, else the bus's applies
     * @throws IllegalStateException naming the method, the handler and the settings that are wrong
     */
    public static SubscriptionOptions of(ListenerMethod method, HeraldProperties.@Nullable Handler override,
            HeraldProperties.Retry busRetry) {
        String where = "@HeraldListener method " + method.description() + ", handler '" + method.handlerName() + "'";
        String property = "herald.handlers[" + method.handlerName() + "]";
        try {
            SubscriptionOptions o = method.options();
            if (override != null) {
                o = overridden(o, override, property);
            }
            HeraldListener.Retry annotation = method.retry();
            HeraldProperties.Retry handlerRetry = override != null ? override.retry() : null;
            boolean own = isSet(annotation) || (handlerRetry != null && handlerRetry.isSet());
            if (!own) {
                return o;
            }
            Merge merge = bus(busRetry).fixAt(property + ".retry");
            merge.annotation(annotation);
            if (handlerRetry != null) {
                merge.properties(handlerRetry, property + ".retry");
            }
            return o.withRetry(merge.policy());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a duration of {@code @Retry}.
     *
     * @param attribute the attribute's name
     * @param text its value
     * @return the duration
     * @throws IllegalArgumentException if it is none
     */
    static Duration duration(String attribute, String text) {
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("retry " + attribute + " '" + text + "' is no duration: write it as '100ms', '2s' or 'PT2S'", e);
        }
    }

    private static boolean isSet(HeraldListener.Retry r) {
        return r.maxAttempts() != 0 || !r.initialDelay().isEmpty() || r.multiplier() != 0 || !r.maxDelay().isEmpty();
    }

    private static SubscriptionOptions overridden(SubscriptionOptions options, HeraldProperties.Handler override, String property) {
        SubscriptionOptions o = options;
        Integer concurrency = override.concurrency();
        if (concurrency != null) {
            o = set(property + ".concurrency", o, x -> x.withConcurrency(concurrency));
        }
        if (Boolean.TRUE.equals(override.orderedBySubject())) {
            o = o.orderedBySubject();
        } else if (Boolean.FALSE.equals(override.orderedBySubject())) {
            o = new SubscriptionOptions(o.name(), o.concurrency(), false, o.retry(), o.queueCapacity());
        }
        Integer queueCapacity = override.queueCapacity();
        if (queueCapacity != null) {
            o = set(property + ".queue-capacity", o, x -> x.withQueueCapacity(queueCapacity));
        }
        return o;
    }

    private static SubscriptionOptions set(String property, SubscriptionOptions o,
            UnaryOperator<SubscriptionOptions> setter) {
        try {
            return setter.apply(o);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }

    private static Merge bus(HeraldProperties.Retry retry) {
        Merge merge = new Merge(RetryPolicy.defaults(), "herald.retry");
        merge.properties(retry, "herald.retry");
        return merge;
    }

    /**
     * One value of a policy being merged.
     *
     * @param value the value
     * @param from where it came from, for messages
     * @param fix what to set to change it
     */
    private record Value<T>(T value, String from, String fix) {
    }

    /** A policy merged layer by layer, each value knowing where it came from. */
    private static final class Merge {

        private final RetryPolicy base;
        private Value<Integer> maxAttempts;
        private Value<Duration> initialDelay;
        private Value<Double> multiplier;
        private Value<Duration> maxDelay;
        private Value<Double> jitter;

        Merge(RetryPolicy defaults, String property) {
            base = defaults;
            maxAttempts = new Value<>(defaults.maxAttempts(), DEFAULT, property + ".max-attempts");
            initialDelay = new Value<>(defaults.initialDelay(), DEFAULT, property + ".initial-delay");
            multiplier = new Value<>(defaults.multiplier(), DEFAULT, property + ".multiplier");
            maxDelay = new Value<>(defaults.maxDelay(), DEFAULT, property + ".max-delay");
            jitter = new Value<>(defaults.jitter(), DEFAULT, property + ".jitter");
        }

        /** From here on, a value so far is changed through the given property (the handler's, not the bus's). */
        Merge fixAt(String property) {
            maxAttempts = refix(maxAttempts, property + ".max-attempts");
            initialDelay = refix(initialDelay, property + ".initial-delay");
            multiplier = refix(multiplier, property + ".multiplier");
            maxDelay = refix(maxDelay, property + ".max-delay");
            jitter = refix(jitter, property + ".jitter");
            return this;
        }

        private static <T> Value<T> refix(Value<T> v, String property) {
            return new Value<>(v.value(), v.from(), property);
        }

        void properties(HeraldProperties.Retry r, String property) {
            if (r.maxAttempts() != null) {
                maxAttempts = at(r.maxAttempts(), property + ".max-attempts");
            }
            if (r.initialDelay() != null) {
                initialDelay = at(r.initialDelay(), property + ".initial-delay");
            }
            if (r.multiplier() != null) {
                multiplier = at(r.multiplier(), property + ".multiplier");
            }
            if (r.maxDelay() != null) {
                maxDelay = at(r.maxDelay(), property + ".max-delay");
            }
            if (r.jitter() != null) {
                jitter = at(r.jitter(), property + ".jitter");
            }
        }

        private static <T> Value<T> at(T value, String property) {
            return new Value<>(value, property, property);
        }

        void annotation(HeraldListener.Retry r) {
            if (r.maxAttempts() != 0) {
                maxAttempts = annotated(r.maxAttempts(), "maxAttempts", String.valueOf(r.maxAttempts()));
            }
            if (!r.initialDelay().isEmpty()) {
                initialDelay = annotated(duration("initialDelay", r.initialDelay()), "initialDelay", "\"" + r.initialDelay() + "\"");
            }
            if (r.multiplier() != 0) {
                multiplier = annotated(r.multiplier(), "multiplier", String.valueOf(r.multiplier()));
            }
            if (!r.maxDelay().isEmpty()) {
                maxDelay = annotated(duration("maxDelay", r.maxDelay()), "maxDelay", "\"" + r.maxDelay() + "\"");
            }
        }

        private static <T> Value<T> annotated(T value, String attribute, String text) {
            return new Value<>(value, "@HeraldListener(retry = @Retry(" + attribute + " = " + text + "))", "@Retry's " + attribute);
        }

        /** The policy, checked whole. */
        RetryPolicy policy() {
            if (maxAttempts.value() < 1) {
                throw bad("maxAttempts " + describe(maxAttempts) + " counts every call, the first included: set "
                        + maxAttempts.fix() + " to 1 (no retry) or more");
            }
            if (initialDelay.value().isNegative()) {
                throw bad("initialDelay " + describe(initialDelay) + " is negative: set " + initialDelay.fix() + " to zero or more");
            }
            double m = multiplier.value();
            if (!(m >= 1.0) || Double.isInfinite(m)) {
                throw bad("multiplier " + describe(multiplier) + " is below 1.0 or not finite: set " + multiplier.fix()
                        + " to a finite number of at least 1.0");
            }
            if (maxDelay.value().compareTo(initialDelay.value()) < 0) {
                throw bad("maxDelay " + describe(maxDelay) + " is below initialDelay " + describe(initialDelay) + ": set "
                        + maxDelay.fix() + " to at least " + initialDelay.value() + ", or " + initialDelay.fix() + " to at most "
                        + maxDelay.value());
            }
            double j = jitter.value();
            if (!(j >= 0.0 && j < 1.0)) {
                throw bad("jitter " + describe(jitter) + " is out of range: set " + jitter.fix()
                        + " from 0.0 (none) to below 1.0 (0.25 means +-25%)");
            }
            return new RetryPolicy(initialDelay.value(), multiplier.value(), maxDelay.value(), maxAttempts.value(), jitter.value(),
                    base.nonRetryable());
        }

        private static String describe(Value<?> v) {
            return v.value() + " (" + v.from() + ")";
        }

        private static IllegalArgumentException bad(String what) {
            return new IllegalArgumentException("retry " + what);
        }
    }
}
