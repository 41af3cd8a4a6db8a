package dev.herald.redis.internal.pubsub;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The shard channels a {@link ShardedPubSubTransport} listens on, found by name and by the name
 * of their heartbeat channel, and the lock under which they change.
 *
 * <p>Thread safety, one rule: channels are added and removed only by a thread that holds
 * {@link #lock()} (else {@link IllegalStateException}); the same lock is held while channels are
 * placed at their masters and their listeners change ({@link SlotFollower}, {@link ListenerRemoval}),
 * also while Redis confirms it, so none of that overlaps. Every thread may look channels up and
 * go through them without the lock (the node connections' event loops for each message, the
 * heartbeat's timer, health): it sees each channel added or not, and the two lookups may
 * disagree for a moment while one is added or removed. A channel's own state is its own
 * ({@link ShardChannel}).
 */
final class ShardChannels {

    private final Map<String, ShardChannel> byName = new ConcurrentHashMap<>();
    private final Map<String, ShardChannel> byHeartbeat = new ConcurrentHashMap<>();
    private final Collection<ShardChannel> all = Collections.unmodifiableCollection(byName.values());
    /** A lock, not a monitor: it is held while waiting for Redis (a monitor would pin a virtual thread's carrier on Java 21 to 23). */
    private final ReentrantLock lock = new ReentrantLock();

    /** The lock under which channels are added, removed and placed; see the class comment. */
    ReentrantLock lock() {
        return lock;
    }

    /** The channel of that name, or null. */
    @Nullable ShardChannel named(String name) {
        return byName.get(name);
    }

    /** The channel whose heartbeat channel has that name, or null. */
    @Nullable ShardChannel ofHeartbeat(String heartbeat) {
        return byHeartbeat.get(heartbeat);
    }

    /** Whether this very channel is still listened on (it was not removed, nor replaced by another of its name). */
    boolean contains(ShardChannel c) {
        return byName.get(c.name) == c;
    }

    /** Every channel, a live view that does not fail while channels change. */
    Collection<ShardChannel> all() {
        return all;
    }

    /** Whether a channel is subscribed on {@code node}. */
    boolean anyAt(NodeSubscriber node) {
        for (ShardChannel c : byName.values()) {
            if (c.at() == node) {
                return true;
            }
        }
        return false;
    }

    /**
     * Under the lock: adds a channel.
     *
     * @throws IllegalStateException if the lock is not held, or a channel of that name is there
     */
    void add(ShardChannel c) {
        requireLocked();
        if (byName.putIfAbsent(c.name, c) != null) {
            throw new IllegalStateException("channel " + c.name + " is there already");
        }
        byHeartbeat.put(c.heartbeat, c);
    }

    /**
     * Under the lock: removes this channel, if it is still there.
     *
     * @throws IllegalStateException if the lock is not held
     */
    void remove(ShardChannel c) {
        requireLocked();
        byName.remove(c.name, c);
        byHeartbeat.remove(c.heartbeat, c);
    }

    private void requireLocked() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("shard channels change only under their lock");
        }
    }
}
