package dev.herald.redis.internal.pubsub;

import dev.herald.redis.PubSubHealth;
import dev.herald.redis.internal.CommandConnections;
import dev.herald.redis.internal.EventLoops;
import dev.herald.redis.internal.RedisConnection;
import dev.herald.redis.internal.RedisEndpoint;
import dev.herald.redis.internal.ReliableSender;
import dev.herald.redis.internal.SocketReads;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * What both Pub/Sub transports, on one server and on a cluster, are made of besides their
 * subscriber connections: the two command connections (heartbeats and checks; events, auto-flush
 * off), the sender of their publishes (batched, retried), the subscriber intake with its gap
 * detector and the switch of its sockets' reads, the timer thread, the heartbeat's encoding and sending, and
 * the values of the intake and sender that their health reports. Thread-safe.
 */
final class PubSubPlumbing {

    /** How long after the first subscription its socket must be known, else a WARN says reads cannot pause. */
    private static final Duration READS_LEARNT_WITHIN = Duration.ofSeconds(1);

    final GapDetector gaps;
    final SubscriberIntake intake;
    final EventLoops loops;
    /** The subscriber connections' sockets, learnt from their subscribe confirmations where the client allows. */
    final SocketReads reads = SocketReads.learnable();
    /** Heartbeats, the sender's retries and sweeps: never blocks for long. */
    final ScheduledExecutorService scheduler;
    final ReliableSender sender;
    private final RedisEndpoint endpoint;
    private final HeartbeatEvent heartbeat;
    private final AtomicLong heartbeatsSent = new AtomicLong();
    private final BooleanSupplier closed;
    /** Heartbeats and checks; events only, flushed in batches by the sender. */
    private final CommandConnections connections;
    /** The transport's, for what it says through this. */
    private final Logger log;

    /** @param closed whether the transport is closed */
    PubSubPlumbing(RedisEndpoint endpoint, PubSubOptions options, BooleanSupplier closed, Logger log) {
        this.endpoint = endpoint;
        this.closed = closed;
        this.connections = new CommandConnections(endpoint, options.publishTimeout(), true, closed);
        this.log = log;
        this.heartbeat = new HeartbeatEvent(options.source(), options.instanceId(), options.clock());
        this.gaps = new GapDetector(options.prefix(), options.observer());
        this.intake = new SubscriberIntake(options.bufferMessages(), options.bufferBytes(), gaps,
                options.threadFactory(), "herald-intake-" + options.instanceId());
        this.scheduler = RedisEndpoint.scheduler(options.threadFactory(), "herald-redis-" + options.instanceId());
        this.loops = new EventLoops(endpoint.resources());
        this.sender = new ReliableSender(endpoint, options.publishTimeout(), scheduler, connections::publishing, closed, loops);
    }

    /**
     * Opens the command connections (on a cluster, to every master too, and again to a new
     * master after a topology change: see {@link CommandConnections}).
     *
     * @throws io.lettuce.core.RedisException if it cannot; what was opened is closed
     */
    void connect() {
        connections.open();
    }

    /** The connection for heartbeats and checks, once connected. */
    @Nullable RedisConnection commands() {
        return connections.commands();
    }

    /** Starts the intake. */
    void start() {
        intake.start(reads, loops);
    }

    /**
     * A moment after a subscriber connection confirmed its first subscription, which teaches its
     * socket unless the client cannot show it, warns once if it did not.
     */
    void warnLaterIfReadsCannotPause() {
        scheduler.schedule(this::warnIfReadsCannotPause, READS_LEARNT_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void warnIfReadsCannotPause() {
        if (!reads.learnt() && !closed.getAsBoolean()) {
            log.warn("Cannot pause reading from {} when handlers fall behind: the client's ClientResources lack "
                    + "HeraldNetty.customizer() (or its listeners are not called within the socket's read, as with "
                    + "publishOnScheduler), so beyond the subscriber buffer further events are discarded and counted "
                    + "(discardedEvents, missedEvents); health reports canPauseReads=false. Build the client with "
                    + "ClientResources.builder().nettyCustomizer(HeraldNetty.customizer()), or pass a URI", endpoint.describe());
        }
    }

    /**
     * Publishes the next heartbeat, numbered, on the commands connection, unless it is not open
     * yet or the transport is closed.
     *
     * @param publish PUBLISH or SPUBLISH of the heartbeat on its channel
     */
    void sendHeartbeat(BiConsumer<RedisClusterAsyncCommands<byte[], byte[]>, byte[]> publish) {
        RedisConnection p = connections.commands();
        if (p != null && !closed.getAsBoolean()) {
            publish.accept(p.async(), heartbeat.encode(heartbeatsSent.incrementAndGet()));
        }
    }

    long heartbeatsSent() {
        return heartbeatsSent.get();
    }

    /** The intake's state for one health report: read once, so that the verdict and the values agree. */
    record Intake(boolean paused, int buffered) {
    }

    Intake intakeNow() {
        return new Intake(intake.readsPaused(), intake.buffered());
    }

    /** A health report: the transport's verdict, with the intake's and the sender's values. */
    PubSubHealth health(Intake now, boolean up, String detail, long reconnects, long resubscriptions, Duration heartbeatAge,
            boolean heartbeatLate, Map<String, String> channelsDown) {
        return new PubSubHealth(up, detail, reconnects, resubscriptions, gaps.missed(), intake.discarded(), sender.retries(), heartbeatAge,
                heartbeatLate, now.buffered(), intake.received(), intake.pauses(), now.paused(), reads.learnt(), channelsDown);
    }

    /** Stops the timers, and the intake once it handed over what it holds. */
    void stop() {
        scheduler.shutdownNow();
        sender.close();
        intake.stop();
    }

    void closeConnections() {
        connections.close();
    }

    /** After the connections closed: gives back the event loops, and says what was missed in all. */
    void release() {
        loops.release();
        long missed = gaps.missed();
        if (missed > 0 || intake.discarded() > 0) {
            log.warn("Pub/Sub subscriber of {} missed {} event(s) in all ({} discarded by its full buffer)",
                    endpoint.describe(), missed, intake.discarded());
        }
    }
}
