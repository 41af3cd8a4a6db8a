package dev.herald.redis.internal.pubsub;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.herald.internal.codec.UuidV7;
import dev.herald.internal.codec.WireLayout;
import dev.herald.redis.RedisKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The heartbeat a Pub/Sub bus publishes on its own channel (on a Redis Cluster, on one per
 * subscribed type, in the type channel's slot): a CloudEvent 1.0 in JSON structured
 * mode of the reserved type {@value RedisKeys#HEARTBEAT_TYPE}, so that a consumer subscribed to
 * {@code <prefix>:*} in any language can read it like any event, for example
 * <pre>{@code
 * {"specversion":"1.0","id":"019...","time":"2026-11-28T05:18:49.123Z","source":"orders-service",
 *  "type":"herald.heartbeat","datacontenttype":"application/json",
 *  "data":{"instance":"a1b2c3","seq":42}}
 * }</pre>
 * Herald itself recognizes a heartbeat by its channel and never parses it. Made once per heartbeat
 * (every second or two, on the transport's scheduler): the attributes that never change are
 * escaped once. Thread-safe.
 */
final class HeartbeatEvent {

    /** Up to the id's value. */
    private final String head;
    /** From the id's closing quote to the time's value. */
    private final String middle;
    /** From the time's closing quote to the heartbeat's sequence number. */
    private final String tail;
    private final Clock clock;
    private final UuidV7 ids;

    HeartbeatEvent(String source, String instanceId, Clock clock) {
        // the attributes in WireLayout.ORDER, as Herald's encoder writes them
        this.head = "{" + name(WireLayout.SPECVERSION) + "\"" + WireLayout.SPEC_VERSION + "\"," + name(WireLayout.ID) + "\"";
        this.middle = "\"," + name(WireLayout.SOURCE) + "\"" + escaped(source) + "\","
                + name(WireLayout.TYPE) + "\"" + RedisKeys.HEARTBEAT_TYPE + "\"," + name(WireLayout.TIME) + "\"";
        this.tail = "\"," + name(WireLayout.DATA_CONTENT_TYPE) + "\"" + WireLayout.CONTENT_TYPE + "\","
                + name(WireLayout.DATA) + "{\"instance\":\"" + escaped(instanceId) + "\",\"seq\":";
        this.clock = clock;
        this.ids = new UuidV7(clock, ThreadLocalRandom::current);
    }

    /** The heartbeat with this sequence number, as UTF-8 JSON. */
    byte[] encode(long seq) {
        String json = head + ids.next() + middle + clock.instant() + tail + seq + "}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code "name":} */
    private static String name(String attribute) {
        return "\"" + attribute + "\":";
    }

    private static String escaped(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }
}
