package dev.herald.spring.boot;

import dev.herald.spring.HeraldListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Listener methods for the endpoint's tests: one that records, one that fails while told to. */
class EndpointListeners {
    final List<String> confirmed = new CopyOnWriteArrayList<>();
    final List<String> billed = new CopyOnWriteArrayList<>();
    volatile boolean billingFails = true;

    @HeraldListener(name = "confirm")
    void confirm(OrderPlaced order) {
        confirmed.add(order.orderId());
    }

    @HeraldListener(name = "billing", concurrency = 2, retry = @HeraldListener.Retry(maxAttempts = 1))
    void bill(OrderPlaced order) {
        if (billingFails) {
            throw new IllegalStateException("card declined for " + order.orderId());
        }
        billed.add(order.orderId());
    }

    /** A web application with these listeners (its redis-server, started by the test, stopped by a bean of its own). */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        EndpointListeners listeners() {
            return new EndpointListeners();
        }
    }
}
