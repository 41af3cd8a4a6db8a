package dev.herald.spring.boot.example;

// README-EXAMPLE-START
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.spring.HeraldListener;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
public class OrdersApplication {
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}

@EventType("order.placed")
record OrderPlaced(String orderId, long cents) {
}

@Component
class OrderListeners {
    private static final Logger log = LoggerFactory.getLogger(OrderListeners.class);

    @HeraldListener                                    // handler "orderListeners.sendConfirmation"
    void sendConfirmation(OrderPlaced order) {
        log.info("order {} confirmed", order.orderId()); // what it throws is retried, then dead-lettered
    }

    @HeraldListener(name = "audit", retry = @HeraldListener.Retry(maxAttempts = 5))
    void audit(Envelope<OrderPlaced> event) {          // with id, time, source, correlation id...
        log.info("{} at {}: {}", event.type(), event.time(), event.payload());
    }
}

@RestController
class Orders {
    private final EventBus bus;

    Orders(EventBus bus) {
        this.bus = bus;
    }

    @PostMapping("/orders")
    CompletableFuture<String> place(@RequestBody OrderPlaced order) {
        return bus.publish(order).thenApply(Envelope::id);
    }
}
// README-EXAMPLE-END
