package dev.herald.redis.internal.streams;

import dev.herald.ConsumerGroupHealth;
import dev.herald.redis.internal.RedisEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag and pending entries of one consumer group, as {@code XINFO GROUPS} last showed them,
 * and whether the lag nears the stream's retention: warned once when it does, told once when it
 * has caught up; the bus then reports itself unhealthy.
 *
 * <p>Sampling never waits for Redis ({@link #sample}): it sends {@code XINFO GROUPS}, one at a
 * time, and reads the reply when it comes, on the transport's scheduler, whose thread also fails
 * and re-sends held publishes and must not be held by a master that stopped answering. A sample
 * unanswered for {@link #SAMPLE_TIMEOUT} is given up: cancelled (on a cluster Lettuce may still
 * write it when the node comes back; it only reads), its reply ignored if it comes, and the next
 * sample sent. Until a reply comes, the last known values stay.
 *
 * <p>Thread-safe: samples are sent and their replies read on the transport's scheduler, one
 * thread; {@link #last()} is read from any.
 */
final class GroupLag {

    /** How long a sample's reply is waited for before the next sample replaces it. */
    static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(GroupLag.class);

    private final String eventType;
    private final StreamGroup streamGroup;
    private final long retention;
    /** Where replies are read: the transport's scheduler, which also sends the samples. */
    private final Executor scheduler;
    private volatile ConsumerGroupHealth last;
    /** The sample waiting for its reply; null while none is. Only the scheduler's thread changes it. */
    private volatile @Nullable Sample inFlight;

    /** A sample sent and when. */
    private record Sample(CompletionStage<List<Object>> reply, long sentNanos) {
    }

    /**
     * @param retention the stream's approximate MAXLEN: a lag above 80% of it is near it
     * @param scheduler the transport's scheduler, which calls {@link #sample}: the replies are read there
     */
    GroupLag(String eventType, StreamGroup streamGroup, long retention, Executor scheduler) {
        this.eventType = eventType;
        this.streamGroup = streamGroup;
        this.retention = retention;
        this.scheduler = scheduler;
        this.last = new ConsumerGroupHealth(eventType, streamGroup.group(), OptionalLong.empty(), OptionalLong.empty(), false);
    }

    /** The group's lag and pending entries as last sampled; unknown before the first reply. */
    ConsumerGroupHealth last() {
        return last;
    }

    /**
     * On the scheduler: asks Redis for the group's lag and pending entries, without waiting for
     * the reply. Sends nothing while the previous sample waits for its reply, unless it has
     * waited {@link #SAMPLE_TIMEOUT}: it is then given up, and this one sent instead.
     *
     * @param xinfoGroups sends {@code XINFO GROUPS} for a stream key
     * @param nowNanos now, as {@link System#nanoTime()} tells it
     */
    void sample(Function<byte[], ? extends CompletionStage<List<Object>>> xinfoGroups, long nowNanos) {
        Sample waiting = inFlight;
        if (waiting != null) {
            if (nowNanos - waiting.sentNanos() < SAMPLE_TIMEOUT.toNanos()) {
                return;
            }
            inFlight = null;
            waiting.reply().toCompletableFuture().cancel(false); // its reply, if it comes, is ignored
            log.debug("No reply to XINFO GROUPS {} within {} ms; asking again", streamGroup.stream(), SAMPLE_TIMEOUT.toMillis());
        }
        CompletionStage<List<Object>> reply;
        try {
            reply = xinfoGroups.apply(streamGroup.streamKey());
        } catch (RuntimeException e) { // a RedisException, or a closing connection's: sampling goes on next time
            log.debug("XINFO GROUPS {} failed: {}", streamGroup.stream(), RedisEndpoint.rootMessage(e));
            return;
        }
        Sample sent = new Sample(reply, nowNanos);
        inFlight = sent;
        reply.whenCompleteAsync((groups, failure) -> answered(sent, groups, failure), scheduler);
    }

    /** On the scheduler: the reply to a sample, read unless the sample was given up. */
    private void answered(Sample sample, @Nullable List<Object> groups, @Nullable Throwable failure) {
        if (inFlight != sample) {
            return; // given up: the sample after it speaks for the group now
        }
        inFlight = null;
        if (failure != null || groups == null) {
            log.debug("XINFO GROUPS {} failed: {}", streamGroup.stream(), failure != null ? RedisEndpoint.rootMessage(failure) : "no reply");
            return;
        }
        for (Object info : groups) {
            if (!(info instanceof List<?> fields)) {
                continue;
            }
            Map<String, Object> map = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                Object k = fields.get(i);
                map.put(k instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(k), fields.get(i + 1));
            }
            Object name = map.get("name");
            String groupName = name instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(name);
            if (groupName.equals(streamGroup.group())) {
                checked(map.get("lag") instanceof Long lag ? OptionalLong.of(lag) : OptionalLong.empty(), // none before Redis 7
                        map.get("pending") instanceof Long pending ? OptionalLong.of(pending) : OptionalLong.empty());
            }
        }
    }

    private void checked(OptionalLong lag, OptionalLong pending) {
        String group = streamGroup.group();
        String stream = streamGroup.stream();
        boolean wasLagging = last.lagging();
        boolean lagging = lag.isPresent() ? lag.getAsLong() > retention * 8 / 10 : wasLagging;
        if (lagging && !wasLagging) {
            log.warn("Group {} of {} is {} entries behind, near the retention of ~{}: entries it has not read "
                    + "will be trimmed away; add consumers or raise the retention", group, stream, lag.getAsLong(), retention);
        } else if (!lagging && wasLagging) {
            log.info("Group {} of {} has caught up ({} entries behind)", group, stream, lag.getAsLong());
        }
        last = new ConsumerGroupHealth(eventType, group, lag, pending, lagging);
    }
}
