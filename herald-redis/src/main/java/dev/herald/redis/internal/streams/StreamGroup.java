package dev.herald.redis.internal.streams;

import dev.herald.redis.RedisKeys;
import io.lettuce.core.RedisException;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;

/**
 * A consumer group on its stream: handler names are unique within a type only, so groups of
 * one name can be read on two streams, and each is a group of its own. Immutable.
 *
 * @param stream the stream's key, {@code <prefix>:stream:<type>}
 * @param group the group's name, {@code <source>:<handler>}
 */
record StreamGroup(String stream, String group) {

    /** The group of a handler of a type: named from the source and the handler, on the type's stream. */
    static StreamGroup of(String prefix, String source, String eventType, String handlerName) {
        return new StreamGroup(RedisKeys.stream(prefix, eventType), source + ":" + handlerName);
    }

    /** The stream's key, in UTF-8. */
    byte[] streamKey() {
        return bytes(stream);
    }

    /**
     * Creates the group, and its stream if there is none, at {@code from} if it is not there.
     *
     * @param from where the group starts: {@code $}, {@code 0} or an entry id
     * @return true if it was created, false if it was there
     */
    boolean create(RedisClusterCommands<byte[], byte[]> redis, String from) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(streamKey(), from), bytes(group), XGroupCreateArgs.Builder.mkstream());
            return true;
        } catch (RedisException e) {
            if (String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Moves the group to {@code id}, creating it there if it is not there.
     *
     * @param id the entry id after which the group reads
     */
    void moveTo(RedisClusterCommands<byte[], byte[]> redis, String id) {
        if (!create(redis, id)) {
            redis.xgroupSetid(XReadArgs.StreamOffset.from(streamKey(), id), bytes(group));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
