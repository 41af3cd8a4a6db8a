package dev.herald.redis.internal.streams;

import dev.herald.ConsumerGroupHealth;
import dev.herald.redis.StreamsHealth;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Streams transport's health: asks Redis whether it answers, one {@code PING} at a time on the
 * commands connection ({@link #probe}, every {@link #PROBE_EVERY} on the transport's scheduler),
 * and assembles {@link StreamsHealth} from the outcome, the readers' silences and their groups'
 * lags, as they were last seen: {@link #report} does no I/O. Thread-safe: the scheduler probes,
 * any thread asks for the report.
 */
final class StreamsHealthCheck {

    /** How often {@link #probe()} asks Redis whether it answers. */
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    /** A probe unanswered for longer makes the transport unhealthy. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final RedisEndpoint endpoint;
    private final long retention;
    private final Supplier<@Nullable RedisConnection> commands;
    private final BooleanSupplier closed;
    /** When the outstanding {@link #probe()} was sent; 0 while none is. */
    private volatile long probeSentNanos;
    /** Why the last probe failed; null if it was answered. */
    private volatile @Nullable String probeFailure;

    /**
     * @param retention each stream's approximate MAXLEN, reported with the groups' lags
     * @param commands the transport's commands connection, null until it is open
     * @param closed whether the transport is closed
     */
    StreamsHealthCheck(RedisEndpoint endpoint, long retention, Supplier<@Nullable RedisConnection> commands,
            BooleanSupplier closed) {
        this.endpoint = endpoint;
        this.retention = retention;
        this.commands = commands;
        this.closed = closed;
    }

    /** Asks Redis whether it answers, one PING at a time, for {@link #report} to read the outcome without I/O. */
    void probe() {
        RedisConnection c = commands.get();
        if (c == null || closed.getAsBoolean() || probeSentNanos != 0) {
            return;
        }
        long sent = System.nanoTime();
        probeSentNanos = sent != 0 ? sent : 1;
        c.async().ping().whenComplete((pong, failure) -> {
            probeFailure = failure != null ? RedisEndpoint.rootMessage(failure) : null;
            probeSentNanos = 0;
        });
    }

    /**
     * The transport's health: down while it is closed or not connected, while Redis does not
     * answer the probe, while a reader reads nothing, or while a group lags near the stream's
     * retention, in that order of precedence; the detail names each reader down.
     *
     * @param readers the readers running
     * @param claimed entries taken over from the pending list so far
     * @param readErrors reads that failed so far
     * @param reconnects reader connections made again so far
     * @param publishRetries publishes sent again so far
     */
    StreamsHealth report(List<StreamReader> readers, long claimed, long readErrors, long reconnects, long publishRetries) {
        Map<StreamGroup, ConsumerGroupHealth> groups = new LinkedHashMap<>();
        for (StreamReader r : readers) {
            groups.putIfAbsent(r.streamGroup(), r.lag().last()); // readers of one group see the same
        }
        List<String> lagging = groups.entrySet().stream().filter(g -> g.getValue().lagging())
                .map(g -> g.getKey().group() + " of " + g.getKey().stream()).sorted().toList();
        long now = System.nanoTime();
        List<String> silent = readers.stream().map(r -> r.silence(now)).filter(Objects::nonNull).map(String::valueOf)
                .sorted().toList();
        String readersDown = silent.isEmpty() ? "" : "; " + String.join("; ", silent);
        String detail;
        boolean up = false;
        RedisConnection c = commands.get();
        long sent = probeSentNanos;
        String failure = probeFailure;
        if (closed.getAsBoolean()) {
            detail = "closed";
        } else if (c == null || !c.isOpen()) {
            detail = "not connected to " + endpoint.describe() + readersDown;
        } else if (sent != 0 && now - sent > PROBE_TIMEOUT.toNanos()) {
            detail = "Redis at " + endpoint.describe() + " does not answer: no reply to PING for "
                    + TimeUnit.NANOSECONDS.toMillis(now - sent) + " ms" + readersDown;
        } else if (failure != null) {
            detail = "Redis at " + endpoint.describe() + " does not answer: " + failure + readersDown;
        } else if (!silent.isEmpty()) {
            detail = String.join("; ", silent);
        } else if (!lagging.isEmpty()) {
            detail = (lagging.size() == 1 ? "group " + lagging.get(0) + " lags" : "groups " + String.join(", ", lagging) + " lag")
                    + " near the stream retention: unread entries may be trimmed";
        } else {
            up = true;
            detail = "connected to " + endpoint.describe() + " (streams)";
        }
        return new StreamsHealth(up, detail, claimed, readErrors, reconnects, publishRetries, readers.size(), retention,
                List.copyOf(groups.values()));
    }
}
