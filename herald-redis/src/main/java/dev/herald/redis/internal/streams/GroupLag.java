package dev.herald.redis.internal.streams;

import dev.herald.ConsumerGroupHealth;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag and pending entries of one reader's consumer group, as {@code XINFO GROUPS} last showed
 * them ({@link #check}, on the transport's scheduler: the reader itself may be waiting for room in
 * a full queue), and whether the lag nears the stream's retention: warned once when it does, told
 * once when it has caught up; the bus then reports itself unhealthy. Thread-safe: one thread
 * checks, any reads {@link #last()}.
 */
final class GroupLag {

    private static final Logger log = LoggerFactory.getLogger(GroupLag.class);

    private final String eventType;
    private final StreamGroup streamGroup;
    private final byte[] streamKey;
    private final long retention;
    private volatile ConsumerGroupHealth last;

    /**
     * @param retention the stream's approximate MAXLEN: a lag above 80% of it is near it
     */
    GroupLag(String eventType, StreamGroup streamGroup, long retention) {
        this.eventType = eventType;
        this.streamGroup = streamGroup;
        this.streamKey = streamGroup.streamKey();
        this.retention = retention;
        this.last = new ConsumerGroupHealth(eventType, streamGroup.group(), OptionalLong.empty(), OptionalLong.empty(), false);
    }

    /** The group's lag and pending entries as last checked; unknown before the first check. */
    ConsumerGroupHealth last() {
        return last;
    }

    /** Asks Redis for the group's lag and pending entries ({@code XINFO GROUPS}), waiting a second at most. */
    void check(RedisClusterAsyncCommands<byte[], byte[]> redis) {
        try {
            // never waits long: this thread also schedules publish retries
            for (Object info : redis.xinfoGroups(streamKey).get(1, TimeUnit.SECONDS)) {
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RedisException e) {
            log.debug("XINFO GROUPS {} failed", streamGroup.stream(), e);
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
