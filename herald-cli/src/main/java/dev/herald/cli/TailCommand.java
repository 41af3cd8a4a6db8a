package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.herald.Envelope;
import dev.herald.redis.RedisEventBus;
import dev.herald.redis.RedisKeys;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@code herald tail TYPE...}: prints the events of the given types as they are published, one
 * line each, until {@code --count} events were printed or the command is stopped (Ctrl-C). Pub/Sub
 * only: in Streams mode a listener would need a consumer group, which would stay in Redis and
 * keep a backlog after the command ends.
 */
final class TailCommand {

    static final String USAGE = "tail TYPE [TYPE...] [--count N] [--redis URI] [--prefix PREFIX]";

    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    TailCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args, @Nullable String defaultRedis) throws InterruptedException {
        CommandLine line = CommandLine.parse(args, USAGE, RedisOptions.and(Map.of("--count", "a number of events")), Set.of());
        RedisOptions redis = new RedisOptions(line, defaultRedis);
        String countText = line.value("--count");
        int count = countText == null ? 0 : Arguments.wholeNumber(countText, 1, Integer.MAX_VALUE, "--count");
        List<String> types = line.words();
        if (types.isEmpty()) {
            throw new IllegalArgumentException("tail needs at least one event type, such as order.placed; usage: herald " + USAGE);
        }
        if (redis.mode() != RedisEventBus.Mode.PUBSUB) {
            throw new IllegalArgumentException("tail listens on Pub/Sub only: in Streams mode it would need a consumer group "
                    + "that stays in Redis; read a stream with redis-cli XRANGE " + RedisKeys.stream(redis.prefix(), "<type>") + " - +");
        }
        return RedisFailure.explained(redis.uri(), () -> tail(redis, types, count));
    }

    private int tail(RedisOptions redis, List<String> types, int limit) throws InterruptedException {
        CountDownLatch enough = new CountDownLatch(1);
        AtomicInteger printed = new AtomicInteger();
        RedisEventBus bus = redis.builder().source("herald-cli-tail").build();
        Thread stop = new Thread(bus::close, "herald-tail-stop");
        Runtime.getRuntime().addShutdownHook(stop); // Ctrl-C
        try {
            for (String type : types) {
                bus.subscribe(type, e -> {
                    int n = printed.incrementAndGet();
                    if (limit == 0 || n <= limit) {
                        print(e);
                    }
                    if (limit > 0 && n >= limit) {
                        enough.countDown();
                    }
                });
            }
            bus.start();
            out.println("listening to " + String.join(", ", types) + " on " + redis.describe()
                    + (limit > 0 ? " for " + limit + " event(s)" : "; Ctrl-C stops"));
            enough.await();
        } finally {
            bus.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: nothing to remove
            }
        }
        return 0;
    }

    private void print(Envelope<Object> e) throws JsonProcessingException {
        String data = json.writeValueAsString(e.payload());
        synchronized (out) {
            out.println(e.time() + " " + e.type() + " " + e.id() + " source=" + e.source()
                    + (e.subject() != null ? " subject=" + e.subject() : "")
                    + " correlationid=" + e.correlationId() + " " + data);
        }
    }
}
