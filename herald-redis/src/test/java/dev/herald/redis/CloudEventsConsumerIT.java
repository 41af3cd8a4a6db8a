package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.EventBus;
import dev.herald.EventType;
import dev.herald.Metadata;
import dev.herald.testkit.RedisServer;
import dev.herald.testkit.Resources;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Everything a running Pub/Sub bus writes under its prefix is read as a valid CloudEvent by a
 * Node.js service that uses the official CloudEvents SDK ({@code cloudevents} on npm) and
 * pattern-subscribes to {@code herald:*}: heartbeats included. The consumer is
 * {@code src/test/node/consumer.js}; its packages, pinned in {@code package-lock.json}, are
 * installed once per build into {@code target/node-consumer}. Needs {@code node} (18 or newer)
 * and {@code npm} on the PATH: without them the test fails, it is never skipped.
 */
class CloudEventsConsumerIT {

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path CONSUMER = Path.of("target", "node-consumer");
    private static final List<String> PACKAGE_FILES = List.of("package.json", "package-lock.json");
    private static final String INSTANCE = "cloudevents-it";

    @EventType("it.order-placed")
    record OrderPlaced(String orderId, int cents) implements DomainEvent {
        @Override
        public String aggregateId() {
            return orderId;
        }
    }

    @EventType("it.payment-requested")
    record PaymentRequested(String orderId, int cents) implements DomainEvent {
    }

    private static Path node;

    private final Resources resources = new Resources();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void installTheConsumer() throws Exception {
        node = onPath("node");
        Path npm = onPath("npm");
        Files.createDirectories(CONSUMER);
        if (!installed()) {
            for (String file : PACKAGE_FILES) {
                Files.copy(SOURCES.resolve(file), CONSUMER.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            Path log = CONSUMER.resolve("npm-install.log");
            Process install = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund",
                    "--prefix", CONSUMER.toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!install.waitFor(5, TimeUnit.MINUTES)) {
                install.destroyForcibly();
                fail("npm ci in " + CONSUMER + " did not finish within 5 minutes; its output: " + Files.readString(log));
            }
            if (install.exitValue() != 0) {
                fail("npm ci in " + CONSUMER + " failed (exit " + install.exitValue() + "); its output: " + Files.readString(log));
            }
        }
        Files.copy(SOURCES.resolve("consumer.js"), CONSUMER.resolve("consumer.js"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Whether target/node-consumer holds the packages the committed lock file pins: npm runs once per build. */
    private static boolean installed() throws IOException {
        if (!Files.isDirectory(CONSUMER.resolve("node_modules").resolve("cloudevents"))) {
            return false;
        }
        for (String file : PACKAGE_FILES) {
            Path copy = CONSUMER.resolve(file);
            if (!Files.exists(copy) || Files.mismatch(SOURCES.resolve(file), copy) != -1) {
                return false;
            }
        }
        return true;
    }

    private static Path onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("'" + program + "' is not on the PATH (" + path + "): "
                        + "CloudEventsConsumerIT runs a Node.js CloudEvents consumer and needs Node.js 18 or newer "
                        + "with npm; install them (CI must), this test is not skipped without them"));
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
    }

    @Test
    void aNodeCloudEventsConsumerOfHeraldStarAcceptsEveryMessageTheBusPublishesHeartbeatsIncluded() throws Exception {
        RedisServer redis = resources.add(RedisServer.start());
        Process consumer = startConsumer(redis.port());
        resources.add(consumer::destroyForcibly);
        await().atMost(Duration.ofSeconds(20)).until(() -> lines.contains("READY") || !consumer.isAlive());
        assertThat(lines).as("the Node.js consumer did not subscribe; %s", consumerErrors()).contains("READY");

        Set<String> handled = ConcurrentHashMap.newKeySet();
        EventBus bus = RedisEventBus.builder(redis.uri())
                .source("cloudevents-it")
                .instanceId(INSTANCE)
                .heartbeat(Duration.ofMillis(100), Duration.ofMillis(1000))
                .build();
        resources.add(() -> bus.shutdown(Duration.ofSeconds(5)));
        bus.subscribe(OrderPlaced.class, "bill", e -> {
            handled.add("bill " + e.id());
            bus.publish(new PaymentRequested(e.payload().orderId(), e.payload().cents())).join(); // inherits correlation
        });
        bus.subscribe(OrderPlaced.class, "audit", e -> handled.add("audit " + e.id()));
        bus.subscribe(PaymentRequested.class, e -> handled.add("pay " + e.id()));
        bus.start();

        List<CompletableFuture<? extends Envelope<?>>> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(bus.publish(new OrderPlaced("o" + i, 100 * i)));
        }
        sent.add(bus.publish(new OrderPlaced("o3", 300),
                Metadata.correlationId("req-7").withHeader("tenant", "acme").withSubject("order-3")));
        sent.add(bus.publish(new PaymentRequested("o9", 900)));
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (CompletableFuture<? extends Envelope<?>> future : sent) {
            ids.add(future.join().id());
        }

        // every event, and those its handlers published, seen; several heartbeats; or a rejection, at once
        await().atMost(Duration.ofSeconds(20)).until(() -> !rejected().isEmpty()
                || heartbeatsAccepted() >= 3 && acceptedIds().containsAll(ids) && accepted("it.payment-requested") >= 5);

        assertThat(rejected()).as("messages the CloudEvents SDK rejected").isEmpty();
        assertThat(heartbeatsAccepted()).as("heartbeats accepted as CloudEvents of type herald.heartbeat, in %s", lines)
                .isGreaterThanOrEqualTo(3);
        assertThat(acceptedIds()).as("events accepted").containsAll(ids);
        assertThat(accepted("it.order-placed")).isEqualTo(4);
        assertThat(accepted("it.payment-requested")).as("published directly and by the 'bill' handler").isEqualTo(5);
        assertThat(lines).filteredOn(l -> l.startsWith("OK ")).allMatch(l -> l.startsWith("OK herald:"));
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 4 + 4 + 5);
    }

    private Process startConsumer(int redisPort) throws IOException {
        Process process = new ProcessBuilder(node.toString(), "consumer.js", Integer.toString(redisPort), "10000", "60000")
                .directory(CONSUMER.toFile())
                .redirectError(CONSUMER.resolve("consumer.err").toFile())
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "node-consumer-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private String consumerErrors() throws IOException {
        return "its standard error: " + Files.readString(CONSUMER.resolve("consumer.err"));
    }

    private List<String> rejected() {
        return lines.stream().filter(l -> l.startsWith("REJECTED ")).toList();
    }

    private long heartbeatsAccepted() {
        String channel = RedisKeys.heartbeat(RedisEventBus.Builder.DEFAULT_PREFIX, INSTANCE);
        return lines.stream().filter(l -> l.startsWith("OK " + channel + " " + RedisKeys.HEARTBEAT_TYPE + " ")).count();
    }

    private long accepted(String type) {
        return lines.stream().filter(l -> l.startsWith("OK herald:" + type + " " + type + " ")).count();
    }

    private Set<String> acceptedIds() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (String line : lines) {
            String[] words = line.split(" ");
            if (words.length == 4 && words[0].equals("OK")) {
                ids.add(words[3]);
            }
        }
        return ids;
    }
}
