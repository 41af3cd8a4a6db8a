package dev.herald.redis;

import dev.herald.EventBus;
import dev.herald.RetryPolicy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A Streams consumer in a JVM of its own that dies ({@code Runtime.halt}, no shutdown hook, no
 * acknowledgement) whenever its handler starts on the poison event: a process killed by an event
 * it cannot survive (a native crash, the OOM killer). Before dying it appends one line to the
 * starts file, so the test can count the handler's real starts; every other event it records in
 * Redis (hash {@code <prefix>:calls}: event number to handler calls).
 * Arguments: redis URI, key prefix, starts file, poison event number, delivery limit.
 */
public final class PoisonConsumerProcess {

    static final String SOURCE = "poison-service";
    static final String HANDLER = "work";
    static final Duration VISIBILITY_TIMEOUT = Duration.ofMillis(300);

    private PoisonConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String prefix = args[1];
        Path starts = Path.of(args[2]);
        int poison = Integer.parseInt(args[3]);
        int deliveryLimit = Integer.parseInt(args[4]);
        RedisCommands<String, String> redis = RedisClient.create(uri).connect().sync();
        EventBus bus = RedisEventBus.builder(uri).mode(RedisEventBus.Mode.STREAMS).prefix(prefix).source(SOURCE)
                .retry(RetryPolicy.none()).deliveryLimit(deliveryLimit).visibilityTimeout(VISIBILITY_TIMEOUT).build();
        bus.subscribe(RedisStreamsIT.Job.class, HANDLER, e -> {
            int n = e.payload().n();
            if (n == poison) {
                Files.writeString(starts, "started " + n + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Runtime.getRuntime().halt(137);
            }
            redis.hincrby(prefix + ":calls", Integer.toString(n), 1);
        });
        bus.start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
