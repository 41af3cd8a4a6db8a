package dev.herald.spring.boot.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.EventBus;
import dev.herald.HandlerStats;
import dev.herald.testkit.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * The README's Spring Boot application ({@link OrdersApplication}, verbatim between the markers,
 * its application.yaml and its pom.xml, whose versions are the build's), run against a real redis-server: an order posted to it is published
 * and handled by both listener methods, and Actuator shows the bus.
 */
class SpringBootExampleIT {

    private static final String YAML = "/readme-example/application.yaml";
    private static final String POM = "/readme-example/pom.xml";

    @Test
    void theApplicationPublishesAnOrderPostedToItAndItsListenersHandleIt() throws Exception {
        try (RedisServer redis = RedisServer.start();
                ConfigurableApplicationContext app = SpringApplication.run(OrdersApplication.class,
                        "--spring.config.location=classpath:" + YAML, "--spring.data.redis.port=" + redis.port(),
                        "--server.port=0")) {
            String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"42\",\"cents\":9950}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            assertThat(posted.body()).as("the event's id").isNotBlank();

            EventBus bus = app.getBean(EventBus.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bus.stats().handlers())
                    .extracting(HandlerStats::handlerName, HandlerStats::handled)
                    .containsExactlyInAnyOrder(tuple("orderListeners.sendConfirmation", 1L),
                            tuple("audit", 1L)));

            JsonNode herald = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/herald"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(herald.path("status").asText()).isEqualTo("UP");
            assertThat(herald.path("health").path("mode").asText()).isEqualTo("streams");
            assertThat(herald.path("subscriptions")).anySatisfy(s -> {
                assertThat(s.path("handler").asText()).isEqualTo("orderListeners.sendConfirmation");
                assertThat(s.path("concurrency").asInt()).as("herald.handlers[...].concurrency").isEqualTo(4);
                assertThat(s.path("group").asText()).isEqualTo("orders-service:orderListeners.sendConfirmation");
            });
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/herald")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(new ObjectMapper().readTree(health.body()).path("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void theReadmeShowsTheApplicationYamlAsItIs() throws IOException {
        String yaml;
        try (InputStream in = SpringBootExampleIT.class.getResourceAsStream(YAML)) {
            assertThat(in).as(YAML).isNotNull();
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(normalized(Files.readString(Path.of("..", "README.md")))).contains(normalized(yaml));
    }

    @Test
    void theReadmeShowsAWholePomWithTheVersionsHeraldIsBuiltWith() throws Exception {
        String pom = resource(POM);
        assertThat(normalized(Files.readString(Path.of("..", "README.md")))).contains(normalized(pom));

        XPath xpath = XPathFactory.newInstance().newXPath();
        Document readme = xml(pom);
        Document build = xml(Files.readString(Path.of("..", "pom.xml")));
        assertThat(xpath.evaluate("/project/properties/spring-boot.version", readme))
                .isEqualTo(xpath.evaluate("/project/properties/spring-boot.version", build));
        assertThat(xpath.evaluate("/project/properties/herald.version", readme)).isEqualTo(xpath.evaluate("/project/version", build));
        assertThat(xpath.evaluate("/project/dependencyManagement/dependencies/dependency[scope='import']/artifactId", readme.getDocumentElement()))
                .isEqualTo("spring-boot-dependencies");
        assertThat(xpath.evaluate("count(/project/dependencyManagement/dependencies/dependency[scope='import' and type='pom'])", readme))
                .isEqualTo("2");
        assertThat(xpath.evaluate("/project/dependencyManagement/dependencies/dependency[2]/artifactId", readme)).isEqualTo("herald-bom");
        assertThat(xpath.evaluate("/project/dependencies/dependency/artifactId[.='herald-spring-boot-starter']", readme)).isNotEmpty();
        assertThat(xpath.evaluate("/project/build/plugins/plugin[artifactId='maven-compiler-plugin']/configuration/release", readme))
                .isEqualTo("17");
        assertThat(xpath.evaluate("/project/parent", readme)).as("no parent: the imports are what is shown").isEmpty();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SpringBootExampleIT.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Without namespaces, so that XPath names elements plainly. */
    private static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(text)));
    }

    private static String normalized(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }
}
