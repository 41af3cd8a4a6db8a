package dev.herald.cli;

import dev.herald.redis.RedisEventBus;
import dev.herald.redis.RedisKeys;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code herald tail TYPE...}: prints the events of the given types as they are published, one
 * line each ({@link TailLine}), until {@code --count} events were printed or the command is stopped
 * (Ctrl-C). A message that is not a CloudEvent is printed flagged {@code UNDECODABLE} and not
 * counted.
 *
 * <p>A watcher, not a service: it subscribes to the types' channels with a plain Pub/Sub
 * connection, so it never writes to the deployment's dead-letter queue, never stamps or counts
 * anything, and leaves nothing in Redis. On a Redis Cluster the channels are shard channels, as
 * Herald's buses publish there: each is subscribed ({@code SSUBSCRIBE}) at the master of its slot,
 * and again at the new master when resharding or a failover moves the slot ({@link ShardChannels}).
 * Pub/Sub only: in Streams mode a listener would need a consumer group, which would stay in Redis
 * and keep a backlog after the command ends.
 */
final class TailCommand {

    static final String USAGE = "tail TYPE [TYPE...] [--count N] [--redis URI] [--prefix PREFIX] [--timeout DURATION]";

    /** How long tail waits for a lost Redis to come back before it ends. */
    static final Duration GIVE_UP = Duration.ofSeconds(10);

    /** How long a connection may be lost before tail says so: a failover's resubscription takes about that. */
    private static final Duration SAY_LOST_AFTER = Duration.ofSeconds(1);

    private final PrintStream out;

    TailCommand(PrintStream out) {
        this.out = out;
    }

    int run(String[] args, Map<String, String> environment) throws InterruptedException {
        CommandLine line = CommandLine.parse(args, USAGE, RedisOptions.and(Map.of("--count", "a number of events")), Set.of());
        RedisOptions redis = new RedisOptions(line, environment);
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
        return RedisFailure.explained(redis.target(), () -> tail(redis, types, count));
    }

    /** Prints until {@code limit} events were printed (0: until stopped). */
    private int tail(RedisOptions redis, List<String> types, int limit) throws InterruptedException {
        Map<String, String> typeByChannel = new HashMap<>();
        for (String type : types) {
            typeByChannel.put(RedisKeys.channel(redis.prefix(), type), type);
        }
        CountDownLatch enough = new CountDownLatch(1);
        AtomicInteger printed = new AtomicInteger();
        RedisDeployment deployment = redis.deployment();
        Thread stop = new Thread(deployment::close, "herald-tail-stop");
        Runtime.getRuntime().addShutdownHook(stop); // Ctrl-C
        try (RedisDeployment.Listening listening = deployment.listen(typeByChannel.keySet(),
                (channel, message) -> { // on Lettuce's thread, one message at a time
                    String type = typeByChannel.get(channel);
                    if (type == null || enough.getCount() == 0) {
                        return;
                    }
                    TailLine line = TailLine.of(type, message);
                    out.println(line.text());
                    if (line.event() && printed.incrementAndGet() == limit) {
                        enough.countDown();
                    }
                })) {
            out.println("listening to " + String.join(", ", types) + " on " + redis.describe()
                    + (limit > 0 ? " for " + limit + " event(s)" : "; Ctrl-C stops"));
            watch(listening, enough, redis.target().toString());
        } finally {
            deployment.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: nothing to remove
            }
        }
        return 0;
    }

    /**
     * Waits until {@code enough}, checking the connection: says when it was lost and when it is
     * back, and gives up after {@link #GIVE_UP} without one.
     *
     * @throws RedisFailure when Redis was unreachable for {@link #GIVE_UP}
     */
    private void watch(RedisDeployment.Listening listening, CountDownLatch enough, String endpoint) throws InterruptedException {
        long lostAt = 0;
        boolean said = false;
        while (!enough.await(200, TimeUnit.MILLISECONDS)) {
            if (listening.connected()) {
                if (said) {
                    out.println("reconnected to " + endpoint + "; listening again");
                }
                lostAt = 0;
                said = false;
                continue;
            }
            long now = System.nanoTime();
            if (lostAt == 0) {
                lostAt = now;
            }
            if (!said && now - lostAt >= SAY_LOST_AFTER.toNanos()) {
                out.println("lost the connection to " + endpoint + "; reconnecting (events published meanwhile are not seen; "
                        + "gives up after " + GIVE_UP.toSeconds() + " s)");
                said = true;
            }
            if (now - lostAt >= GIVE_UP.toNanos()) {
                throw RedisFailure.lost(endpoint, GIVE_UP);
            }
        }
    }
}
