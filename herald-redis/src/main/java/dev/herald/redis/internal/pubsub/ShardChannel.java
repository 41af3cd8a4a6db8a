package dev.herald.redis.internal.pubsub;

import dev.herald.spi.DeliveryListener;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One event type's shard channel that a cluster bus listens on: its listeners, where it is
 * subscribed now (the node connection whose SSUBSCRIBE Redis confirmed), since when, and when
 * its heartbeat last came through. Messages of the channel are taken from that connection only.
 * Changed under the transport's lock and by the node connections' callbacks on their event
 * loops: every field is volatile or atomic.
 */
final class ShardChannel {

    final String name;
    final byte[] bytes;
    /** The channel of this channel's heartbeat, in the same slot. */
    final String heartbeat;
    final byte[] heartbeatBytes;
    final int slot;

    private volatile DeliveryListener[] listeners = Listeners.NONE;
    /** False once its last listener is being cancelled: the server ending it is then no loss. */
    private volatile boolean wanted = true;
    private final AtomicReference<@Nullable NodeSubscriber> at = new AtomicReference<>();
    /** Where it is being subscribed: a confirmation from there makes it {@link #at}. */
    private volatile @Nullable NodeSubscriber target;
    private volatile int subscriptions;
    private volatile long subscribedNanos;
    private volatile long heardNanos;
    private volatile boolean heard;
    private volatile String lost = "not subscribed yet";
    /** When its heartbeat was first found late, or 0 while it is not. */
    private volatile long lateSinceNanos;
    private volatile boolean resubscribe;

    ShardChannel(String name, String heartbeat) {
        this.name = name;
        this.bytes = name.getBytes(StandardCharsets.UTF_8);
        this.heartbeat = heartbeat;
        this.heartbeatBytes = heartbeat.getBytes(StandardCharsets.UTF_8);
        this.slot = SlotHash.getSlot(bytes);
        if (SlotHash.getSlot(heartbeatBytes) != slot) {
            throw new IllegalArgumentException("the heartbeat channel '" + heartbeat + "' hashes to slot "
                    + SlotHash.getSlot(heartbeatBytes) + ", not to slot " + slot + " of '" + name
                    + "': use an instance id without '{' or '}' on Redis Cluster");
        }
    }

    DeliveryListener[] listeners() {
        return listeners;
    }

    void listeners(DeliveryListener[] list) {
        this.listeners = list;
    }

    boolean wanted() {
        return wanted;
    }

    void unwanted() {
        wanted = false;
    }

    /** The connection it is subscribed on now, or null. */
    @Nullable NodeSubscriber at() {
        return at.get();
    }

    /** Whether a message that came through {@code node} is this channel's to deliver. */
    boolean deliversFrom(NodeSubscriber node) {
        return at.get() == node;
    }

    void subscribingAt(NodeSubscriber node) {
        target = node;
    }

    /**
     * On the event loop: Redis confirmed the channel on {@code node}. If that is where it was
     * being subscribed, messages are taken from there from now on. Its first subscription counts
     * as live at once; after a loss only a heartbeat through the new one does.
     */
    void confirmedAt(NodeSubscriber node, long nowNanos) {
        if (target != node || at.get() == node) {
            return;
        }
        subscribedNanos = nowNanos;
        heardNanos = nowNanos;
        heard = subscriptions == 0;
        lateSinceNanos = 0;
        subscriptions++;
        at.set(node);
    }

    /** The subscription on {@code node} is gone (and why), unless the channel is subscribed elsewhere by now. */
    boolean lostAt(NodeSubscriber node, String why) {
        if (at.compareAndSet(node, null)) {
            lost = why;
            lateSinceNanos = 0;
            return true;
        }
        return false;
    }

    /** On the event loop: a heartbeat of this channel came through {@code node}. */
    void heardAt(NodeSubscriber node, long nowNanos) {
        if (at.get() == node) {
            heardNanos = nowNanos;
            heard = true;
        }
    }

    /** Whether a heartbeat came through the subscription since it was made (or it is the first one). */
    boolean heard() {
        return heard;
    }

    /** The last sign of life of the subscription: its last heartbeat, or when it was made. */
    long lastSignNanos() {
        return heardNanos;
    }

    /** Why it is not subscribed now. */
    String lost() {
        return lost;
    }

    /** How many times Redis confirmed it at a new place. */
    int subscriptions() {
        return subscriptions;
    }

    /**
     * Notes that its heartbeat is late now.
     *
     * @return when it was first found late: {@code nowNanos} the first time
     */
    long lateSince(long nowNanos) {
        long since = lateSinceNanos;
        if (since == 0) {
            lateSinceNanos = nowNanos;
            return nowNanos;
        }
        return since;
    }

    /** Its heartbeat is on time: whether it had been late. */
    boolean onTime() {
        boolean was = lateSinceNanos != 0;
        lateSinceNanos = 0;
        return was;
    }

    /** Asks for SSUBSCRIBE again where it is, though Redis has it: its heartbeat is late. */
    void resubscribe(boolean again) {
        resubscribe = again;
    }

    boolean resubscribeWanted() {
        return resubscribe;
    }

    @Override
    public String toString() {
        return name;
    }
}
