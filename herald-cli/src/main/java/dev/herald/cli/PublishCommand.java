package dev.herald.cli;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.DomainEvent;
import dev.herald.Envelope;
import dev.herald.Metadata;
import dev.herald.redis.RedisEventBus;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * {@code herald publish TYPE JSON}: publishes one event, its data given as JSON, through a bus
 * of its own, as a service would (CloudEvents envelope, id, time, publisher sequence). Prints the
 * event's id once Redis has accepted it.
 */
final class PublishCommand {

    static final String USAGE = "publish TYPE JSON [--redis URI] [--prefix PREFIX] [--mode pubsub|streams] "
            + "[--source SOURCE] [--subject SUBJECT] [--correlation-id ID] [--timeout DURATION]";

    /** An event whose type is given at run time and whose data is the JSON as given. */
    record JsonEvent(String type, @JsonValue JsonNode data) implements DomainEvent {
        @Override
        public String eventType() {
            return type;
        }
    }

    private final PrintStream out;

    PublishCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args, Map<String, String> environment) throws InterruptedException {
        CommandLine line = CommandLine.parse(args, USAGE, RedisOptions.and(Map.of(
                "--source", "the CloudEvents source, such as orders-service",
                "--subject", "a subject, such as an order id",
                "--correlation-id", "an id, such as req-7")), Set.of());
        RedisOptions redis = new RedisOptions(line, environment);
        String source = line.value("--source", "herald-cli");
        Metadata metadata = metadata(line);
        List<String> words = line.words();
        if (words.size() != 2) {
            throw new IllegalArgumentException("publish needs an event type and its data as JSON, got " + words.size()
                    + " argument(s); usage: herald " + USAGE + "; for example: herald publish order.placed '{\"orderId\":\"42\"}'");
        }
        JsonNode data;
        try {
            data = ExactJson.MAPPER.readTree(words.get(1));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the data is not valid JSON" + ExactJson.problem(e) + "; the data: " + words.get(1));
        }
        if (data == null || data.isMissingNode()) {
            throw new IllegalArgumentException("the data is empty; give a JSON value such as '{\"orderId\":\"42\"}'");
        }
        JsonEvent event = new JsonEvent(words.get(0), data);
        return RedisFailure.explained(redis.target(), () -> {
            try (RedisEventBus bus = redis.builder().source(source).build()) {
                bus.start();
                Envelope<JsonEvent> sent;
                try {
                    sent = bus.publish(event, metadata).join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException cause ? cause : e; // a bad type name, Redis gone: said plainly
                }
                out.println("published " + sent.type() + " " + sent.id() + " to " + redis.describe());
            }
            return 0;
        });
    }

    /** The {@code --subject} and {@code --correlation-id} options. */
    private static Metadata metadata(CommandLine line) {
        Metadata metadata = Metadata.empty();
        String subject = line.value("--subject");
        if (subject != null) {
            metadata = metadata.withSubject(subject);
        }
        String correlationId = line.value("--correlation-id");
        if (correlationId != null) {
            metadata = metadata.withCorrelationId(correlationId);
        }
        return metadata;
    }
}
