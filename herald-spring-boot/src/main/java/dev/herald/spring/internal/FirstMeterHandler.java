package dev.herald.spring.internal;

import dev.herald.micrometer.HeraldMeterObservationHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.springframework.core.Ordered;

/**
 * A {@link HeraldMeterObservationHandler} that Spring orders first among the application's
 * observation handlers: Spring Boot groups the meter handlers so that the first supporting an
 * observation handles it, and Herald's supports only Herald's observations. Ordered by the
 * {@link Ordered} interface rather than an {@code @Order} on its bean method, which Spring 6.2
 * (Spring Boot 3.5) does not apply to the handlers Boot groups. Thread-safe.
 */
public final class FirstMeterHandler implements MeterObservationHandler<Observation.Context>, Ordered {

    private final HeraldMeterObservationHandler handler;

    /**
     * A handler timing Herald's observations in a registry.
     *
     * @param registry the application's meter registry
     */
    public FirstMeterHandler(MeterRegistry registry) {
        this.handler = new HeraldMeterObservationHandler(registry);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return handler.supportsContext(context);
    }

    @Override
    public void onStart(Observation.Context context) {
        handler.onStart(context);
    }

    @Override
    public void onStop(Observation.Context context) {
        handler.onStop(context);
    }

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
        handler.onEvent(event, context);
    }

    @Override
    public String toString() {
        return handler.toString();
    }
}
