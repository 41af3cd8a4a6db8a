package dev.herald.redis;

import dev.herald.EventBus;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;

/**
 * A Streams consumer in a JVM of its own, for the crash test: it records every event it handles
 * in Redis (a set of numbers, a counter of calls) and is killed with SIGKILL by the test.
 * Arguments: redis URI, key prefix.
 */
public final class StreamsConsumerProcess {

    private StreamsConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String prefix = args[1];
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<String, String> redis = client.connect();
        EventBus bus = RedisEventBus.builder(uri).mode(RedisEventBus.Mode.STREAMS).prefix(prefix)
                .source("crash-service").instanceId("doomed").visibilityTimeout(Duration.ofSeconds(1)).build();
        bus.subscribe(RedisStreamsIT.Job.class, "work", e -> {
            redis.sync().incr(prefix + ":calls");
            redis.sync().sadd(prefix + ":done", Integer.toString(e.payload().n()));
            Thread.sleep(5);
        });
        bus.start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
