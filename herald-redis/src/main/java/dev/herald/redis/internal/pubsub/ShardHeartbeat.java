package dev.herald.redis.internal.pubsub;

import dev.herald.redis.PubSubHealth;
import dev.herald.redis.RedisKeys;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The heartbeat of each shard channel of a {@link ShardedPubSubTransport}, and the health it
 * makes of them. For each channel it publishes a heartbeat on {@link RedisKeys#shardHeartbeat},
 * in the channel's slot, which is subscribed with the channel on the same connection, so that
 * each shard subscription is checked end to end. Each interval it finds the channels that are
 * not subscribed at their master or whose heartbeat is late, and has them followed
 * ({@link SlotFollower}); a channel still late a heartbeat timeout after it was subscribed
 * again is unsubscribed and subscribed anew while other channels on its connection have their
 * heartbeats, and has its connection replaced otherwise.
 *
 * <p>Health is down while a channel is not subscribed at its master, or no heartbeat came
 * through it since it was subscribed again (its first subscription counts as live once Redis
 * confirmed it); the detail and {@link PubSubHealth#channelsDown()} name those channels.
 * Reads the transport's channels without their lock ({@link ShardChannels}); runs its checks
 * on the transport's timer thread. Thread-safe.
 */
final class ShardHeartbeat {

    private final PubSubOptions options;
    private final PubSubPlumbing plumbing;
    /** The transport's channels, a live view. */
    private final Collection<ShardChannel> channels;
    private final ShardConnections nodes;
    private final SlotFollower follower;
    /** Publishes a channel's heartbeat. */
    private final Consumer<ShardChannel> send;
    /** The endpoint's description, for health details. */
    private final Supplier<String> describe;
    /** The transport's, for what it says through this. */
    private final Logger log;

    ShardHeartbeat(PubSubOptions options, PubSubPlumbing plumbing, Collection<ShardChannel> channels,
            ShardConnections nodes, SlotFollower follower, Consumer<ShardChannel> send,
            Supplier<String> describe, Logger log) {
        this.options = options;
        this.plumbing = plumbing;
        this.channels = channels;
        this.nodes = nodes;
        this.follower = follower;
        this.send = send;
        this.describe = describe;
        this.log = log;
    }

    /** Checks and publishes every heartbeat interval, on the transport's timer thread. */
    void start() {
        long every = options.heartbeatInterval().toMillis();
        plumbing.scheduler.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * On the timer thread: finds channels that are not subscribed at their master (as the
     * topology last seen has it) or whose heartbeat is late, and has them followed; a channel
     * still late a heartbeat timeout after it was subscribed again is unsubscribed and subscribed
     * anew while other channels on its connection have their heartbeats (those stay as they
     * are), and gets a new connection otherwise. Then publishes a heartbeat for each channel
     * subscribed.
     */
    private void beat() {
        try {
            long now = System.nanoTime();
            boolean amiss = false;
            for (ShardChannel c : channels) {
                NodeSubscriber at = c.at();
                if (!c.wanted()) {
                    continue;
                }
                if (at == null || !at.isOpen() || !follower.servesSlot(at, c)) {
                    amiss = true;
                    continue;
                }
                if (!plumbing.intake.late(c.lastSignNanos(), now, options.heartbeatTimeout())) {
                    if (c.onTime()) {
                        log.info("Heartbeat through {} at {} is back: the subscription works again", c, at);
                    }
                    continue;
                }
                long lateSince = c.lateSince(now);
                if (lateSince == now) {
                    log.warn("No heartbeat came back through {} at {} for {} ms: the subscription may be deaf; subscribing again",
                            c, at, TimeUnit.NANOSECONDS.toMillis(now - c.lastSignNanos()));
                    c.resubscribe(true);
                    amiss = true;
                } else if (now - lateSince > options.heartbeatTimeout().toNanos()) {
                    c.onTime(); // late again from now, once it is subscribed anew
                    if (heardOtherChannelAt(at, c, now)) {
                        // the connection works: only this subscription is lost; the others stay
                        log.warn("Still no heartbeat through {} at {}, while other channels there have theirs: "
                                + "unsubscribing it and subscribing it anew", c, at);
                        if (c.lostAt(at, "no heartbeat through it after subscribing again")) {
                            at.unsubscribeQuietly(c);
                        }
                    } else {
                        log.warn("Still no heartbeat through {} at {}: replacing the connection", c, at);
                        at.close(); // its channels are lost, and subscribed again on a new connection
                    }
                    amiss = true;
                }
            }
            if (amiss) {
                follower.follow();
            }
            for (ShardChannel c : channels) {
                NodeSubscriber at = c.at();
                if (c.wanted() && at != null && at.isOpen()) {
                    send.accept(c);
                }
            }
        } catch (RuntimeException e) {
            log.debug("Heartbeat failed", e);
        }
    }

    /** Whether a heartbeat of another channel subscribed on {@code node} came through it in time. */
    private boolean heardOtherChannelAt(NodeSubscriber node, ShardChannel late, long now) {
        for (ShardChannel c : channels) {
            if (c != late && c.at() == node && c.heard() && !plumbing.intake.late(c.lastSignNanos(), now, options.heartbeatTimeout())) {
                return true;
            }
        }
        return false;
    }

    /** The transport's health, from its channels' heartbeats; {@code started} and {@code closed} are its lifecycle. */
    PubSubHealth health(boolean started, boolean closed) {
        long now = System.nanoTime();
        PubSubPlumbing.Intake intake = plumbing.intakeNow();
        Map<String, String> down = new TreeMap<>();
        long oldestSign = now;
        boolean late = false;
        int live = 0;
        for (ShardChannel c : channels) {
            NodeSubscriber at = c.at();
            if (!c.wanted()) {
                continue;
            }
            if (at == null) {
                down.put(c.name, "not subscribed: " + c.lost() + "; subscribing at its master");
                continue;
            }
            oldestSign = Math.min(oldestSign, c.lastSignNanos());
            if (plumbing.intake.late(c.lastSignNanos(), now, options.heartbeatTimeout())) {
                late = true;
                down.put(c.name, "no heartbeat through " + at + " for "
                        + TimeUnit.NANOSECONDS.toMillis(now - c.lastSignNanos()) + " ms: deaf, subscribing again");
            } else if (!c.heard()) {
                down.put(c.name, "subscribed again at " + at + ", waiting for the first heartbeat through it");
            } else {
                live++;
            }
        }
        String endpoint = describe.get();
        String detail;
        boolean up = false;
        if (closed) {
            detail = "closed";
        } else if (!started) {
            detail = "not started";
        } else if (!down.isEmpty()) {
            StringBuilder why = new StringBuilder();
            down.forEach((channel, what) -> why.append(why.length() == 0 ? "" : "; ").append(channel).append(": ").append(what));
            detail = down.size() + " of " + (live + down.size()) + " shard channel(s) on " + endpoint + " not live: " + why;
        } else if (intake.paused()) {
            up = true;
            detail = live + " shard channel(s) live on " + endpoint + "; reading paused while handlers catch up ("
                    + intake.buffered() + " events buffered; Redis holds what follows up to its client-output-buffer-limit pubsub)";
        } else {
            up = true;
            detail = live == 0 ? "connected to " + endpoint + "; no subscriptions"
                    : live + " shard channel(s) live on " + nodes.size() + " master(s) of " + endpoint
                            + ", the oldest heartbeat " + TimeUnit.NANOSECONDS.toMillis(now - oldestSign) + " ms ago";
        }
        return plumbing.health(intake, up, detail, nodes.reconnects(), follower.resubscribed(), Duration.ofNanos(now - oldestSign),
                late, down);
    }
}
