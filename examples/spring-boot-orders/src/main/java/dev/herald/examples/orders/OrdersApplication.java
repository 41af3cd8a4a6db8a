package dev.herald.examples.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * The orders example: {@code POST /orders} publishes an {@link OrderPlaced} event on Herald's
 * {@link dev.herald.EventBus}, which the starter builds on the application's Redis;
 * {@link ConfirmationListener} and {@link InvoicingListener} handle it. Run with {@code java -jar
 * target/spring-boot-orders.jar} (see README.md).
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(OrdersApplication.class);
        application.addListeners(new ThrowAwayRedis());
        application.run(args);
    }

    /** Prints where the application listens, and a few commands to try, once it is ready. */
    @EventListener
    void ready(ApplicationReadyEvent event) {
        String url = "http://localhost:" + event.getApplicationContext().getEnvironment().getProperty("local.server.port");
        System.out.printf("""

                Orders example ready on %1$s
                  place an order:  curl -si %1$s/orders -H 'Content-Type: application/json' -d '{"item":"book","quantity":2,"email":"ann@example.com"}'
                  a failing one:   curl -si %1$s/orders -H 'Content-Type: application/json' -d '{"item":"poison","quantity":1,"email":"bob@example.com"}'
                  an order:        curl -s %1$s/orders/ORDER_ID   (its confirmation and dead letters)
                  confirmations:   curl -s %1$s/confirmations
                  health:          curl -s %1$s/actuator/health
                  metrics:         curl -s %1$s/actuator/metrics   (then /actuator/metrics/herald.dlq.size ...)
                  dead letters:    curl -s %1$s/actuator/herald/dead-letters
                Stop with Ctrl-C.

                """, url);
    }
}
