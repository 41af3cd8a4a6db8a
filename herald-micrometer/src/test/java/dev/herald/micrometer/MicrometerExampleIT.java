package dev.herald.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.herald.DomainEvent;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.redis.RedisEventBus;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The README's Micrometer and Prometheus example, verbatim between the markers, run against a
 * real redis-server and scraped over HTTP.
 */
class MicrometerExampleIT {

    @EventType("order.placed")
    record OrderPlaced(String orderId, long cents) implements DomainEvent {
    }

    @Test
    void readmeExample() throws Exception {
        try (Resources resources = new Resources()) {
            RedisServer redis = resources.add(RedisServer.start());
            RedisClient client = RedisClient.create(redis.uri());
            resources.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
            int metricsPort = 0; // any free port
            List<String> confirmed = new CopyOnWriteArrayList<>();

            // README-EXAMPLE-START
            PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ObservationRegistry observationRegistry = ObservationRegistry.create();
            observationRegistry.observationConfig().observationHandler(new FirstMatchingCompositeObservationHandler(
                    new HeraldMeterObservationHandler(meterRegistry),   // Herald's observations -> timers
                    new DefaultMeterObservationHandler(meterRegistry))); // every other observation -> timers
            EventBus bus = RedisEventBus.builder(client)
                    .source("orders-service")
                    .observer(MicrometerObserver.of(observationRegistry))  // herald.publish, herald.process
                    .build();
            bus.subscribe(OrderPlaced.class, "send-confirmation", e -> confirmed.add(e.payload().orderId()));
            HeraldMetrics.bind(bus, meterRegistry);        // herald.retries, herald.queue.size, herald.health, ...
            bus.start();

            HttpServer server = HttpServer.create(new InetSocketAddress(metricsPort), 0);
            server.createContext("/metrics", exchange -> {  // what Prometheus scrapes
                byte[] body = meterRegistry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();

            bus.publish(new OrderPlaced("42", 9950)).join();
            // README-EXAMPLE-END
            resources.add(bus);
            resources.add(() -> server.stop(0));

            await().until(() -> confirmed.size() == 1);
            HttpClient http = HttpClient.newHttpClient();
            URI metrics = URI.create("http://localhost:" + server.getAddress().getPort() + "/metrics");
            HttpRequest scrape = HttpRequest.newBuilder(metrics).GET().build();
            await().untilAsserted(() -> assertThat(http.send(scrape, HttpResponse.BodyHandlers.ofString()).body().lines())
                    .contains("herald_health 1.0",
                            "herald_retries_total{handler=\"send-confirmation\",type=\"order.placed\"} 0.0",
                            "herald_queue_size_messages{handler=\"send-confirmation\",type=\"order.placed\"} 0.0")
                    .anyMatch(line -> line.startsWith("herald_publish_seconds_count{") && line.contains("outcome=\"success\"")
                            && line.endsWith(" 1"))
                    .anyMatch(line -> line.startsWith("herald_process_seconds_count{")
                            && line.contains("messaging_consumer_group_name=\"send-confirmation\"")
                            && line.contains("outcome=\"success\"") && line.endsWith(" 1")));
        }
    }
}
