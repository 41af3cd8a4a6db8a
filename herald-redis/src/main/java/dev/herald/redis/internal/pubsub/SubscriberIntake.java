package dev.herald.redis.internal.pubsub;

import dev.herald.internal.bus.BusThreads;
import dev.herald.redis.internal.EventLoopBatchRunner;
import dev.herald.redis.internal.EventLoops;
import dev.herald.redis.internal.SocketReads;
import dev.herald.spi.Delivery;
import dev.herald.spi.DeliveryListener;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded hand-off between Lettuce's event loop and the bus. The event loop never blocks and
 * never decodes: when nothing is waiting here, it puts each message straight into the queues of
 * the handlers subscribed when it arrived, if they have room; otherwise the message waits here
 * for the intake thread, which hands it over in order, waiting while a handler's queue is full.
 *
 * <p>Backpressure: once this buffer is nearly full (leaving {@link #READ_BURST_BYTES} free for
 * each socket read, or half of it when that is less), reading from the sockets pauses
 * ({@link SocketReads}), and it
 * resumes once the buffer is down to half of that. Meanwhile further messages wait in the kernel
 * and in Redis's output buffer for this client, so a handler's brief stall costs nothing. A
 * subscriber that stays behind is cut off by Redis at its {@code client-output-buffer-limit
 * pubsub}; it reconnects, and the publishers' sequence numbers count what it missed. Only what
 * arrives while the buffer is entirely full (the rest of a read in progress, or everything when
 * reads cannot be paused) is discarded, and counted the same way.
 * Memory stays bounded either way.
 */
final class SubscriberIntake {

    private static final Logger log = LoggerFactory.getLogger(SubscriberIntake.class);

    record Inbound(String channel, byte[] body, DeliveryListener[] targets, boolean observeGaps) {
    }

    private final BlockingQueue<Inbound> queue;
    /** Received on the event loop, not yet handed over; bounded by the read that filled it. */
    private final ConcurrentLinkedQueue<Inbound> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong inInbox = new AtomicLong();
    /** Runs on the event loop that received (the current thread's), right after its read. */
    private final EventLoopBatchRunner handingOver = new EventLoopBatchRunner(this::handOverInbox, () -> !inbox.isEmpty(), this::eventLoop);
    private volatile EventLoops loops = EventLoops.READING_ONLY;
    /** The subscriber's event loop, as last found: looked up again only on another thread (a reconnect). */
    private volatile @Nullable EventLoop eventLoop;
    private final long maxBytes;
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong dispatched = new AtomicLong();
    private final LongAdder discarded = new LongAdder();
    private final LongAdder direct = new LongAdder();
    private final GapDetector gaps;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastDiscardLog;
    /**
     * What one socket read can still bring after reads were paused: Netty reads up to 16 times
     * 64 KiB per turn, and all of it is decoded. Room for that is kept free above the pause.
     */
    static final long READ_BURST_BYTES = 2L * 1024 * 1024;
    /** The same in messages, for small ones (about 100 bytes each). */
    static final int READ_BURST_MESSAGES = 20_000;
    /**
     * Past this many buffered bytes or messages, reading pauses; at half of it, it resumes. Late:
     * the buffer should take what it can, since Redis's own buffer for a paused subscriber ends
     * in a cut-off, which costs more events than the overflow of ours would. With several
     * sockets (one per cluster master), each can bring a read after the pause: room is kept for
     * each, up to half the buffer.
     */
    private volatile long pauseAtBytes;
    private volatile int pauseAtMessages;
    private final int maxMessages;
    /** The sockets {@link #pauseAtBytes} keeps room for. */
    private volatile int roomFor;
    private volatile SocketReads reads = SocketReads.NONE;
    /** Set after reads were paused, cleared before they resume: a resume always follows its pause. */
    private final AtomicBoolean paused = new AtomicBoolean();
    /** While positive (an unsubscribe awaits its reply), reads are never paused. */
    private final AtomicInteger readsNeeded = new AtomicInteger();
    private final LongAdder pauses = new LongAdder();
    private volatile long resumedNanos = System.nanoTime();

    SubscriberIntake(int maxMessages, long maxBytes, GapDetector gaps, ThreadFactory threadFactory, String name) {
        this.queue = new ArrayBlockingQueue<>(maxMessages);
        this.maxBytes = maxBytes;
        this.maxMessages = maxMessages;
        keepRoomFor(1);
        this.gaps = gaps;
        this.thread = BusThreads.newThread(threadFactory, name, this::run);
    }

    /**
     * Starts handing over, pausing {@code reads} (the subscriber connection's) when behind, and
     * handing over after each read on the event loop {@code loops} find.
     */
    void start(SocketReads reads, EventLoops loops) {
        this.reads = reads;
        this.loops = loops;
        thread.start();
    }

    private @Nullable EventLoop eventLoop() {
        EventLoop known = eventLoop;
        EventLoop current = loops.current(known);
        if (current != known) {
            eventLoop = current;
        }
        return current;
    }

    /**
     * Called on the event loop for each message. Messages are collected while the event loop
     * reads, and handed over together by one task that runs right after the read: handlers'
     * workers are woken once per read, not once per message. Off a Netty thread (tests), each
     * message is handed over at once.
     */
    void offer(String channel, byte[] body, DeliveryListener[] targets) { // targets: read only
        inbox.add(new Inbound(channel, body, targets, true));
        inInbox.incrementAndGet();
        handingOver.request();
    }

    /** A run of {@link #handingOver}: one at a time, so messages keep their order. */
    private void handOverInbox() {
        Inbound in;
        while ((in = inbox.poll()) != null) {
            handOver(in.channel(), in.body(), in.targets());
            inInbox.decrementAndGet();
        }
    }

    /**
     * When the intake thread has nothing in hand, each target takes the message directly if its
     * queue has room (no thread hop); what is left goes through the intake thread, which keeps
     * each target's order since it only starts once idle again.
     */
    private void handOver(String channel, byte[] body, DeliveryListener[] targets) {
        if (enqueued.get() == dispatched.get()) {
            gaps.observe(channel, body);
            Delivery delivery = Delivery.of(body);
            DeliveryListener[] left = null; // targets is shared between messages: never written
            int n = 0;
            for (int i = 0; i < targets.length; i++) {
                if (!targets[i].offer(delivery)) {
                    if (left == null) {
                        left = new DeliveryListener[targets.length - i];
                    }
                    left[n++] = targets[i];
                }
            }
            if (left == null) {
                direct.increment();
                return;
            }
            enqueue(channel, body, Arrays.copyOf(left, n), false);
            return;
        }
        enqueue(channel, body, targets, true);
    }

    private void enqueue(String channel, byte[] body, DeliveryListener[] targets, boolean observeGaps) {
        if (bufferedBytes.addAndGet(body.length) > maxBytes || !queue.offer(new Inbound(channel, body, targets, observeGaps))) {
            bufferedBytes.addAndGet(-body.length);
            discarded.increment();
            if (!observeGaps) {
                gaps.addMissed(channel, 1); // its number was seen, so no gap will show what some handlers missed
            }
            long now = System.nanoTime();
            if (now - lastDiscardLog > TimeUnit.SECONDS.toNanos(5)) {
                lastDiscardLog = now;
                log.warn("Subscriber buffer full ({} messages, {} bytes): handlers are too slow for this Pub/Sub load, "
                        + "so messages are being missed ({} so far) and counted as gaps; use Streams mode, more concurrency, "
                        + "or a larger subscriber buffer", queue.size(), bufferedBytes.get(), discarded.sum());
            }
            return;
        }
        if (reads.sockets() > roomFor) {
            keepRoomFor(reads.sockets());
        }
        long waiting = enqueued.incrementAndGet() - dispatched.get(); // not queue.size(): that takes the queue's lock
        if (waiting > pauseAtMessages || bufferedBytes.get() > pauseAtBytes) {
            pauseReads();
        }
    }

    private void keepRoomFor(int sockets) {
        roomFor = sockets;
        pauseAtBytes = maxBytes - Math.min(maxBytes / 2, READ_BURST_BYTES * sockets);
        pauseAtMessages = maxMessages - Math.min(maxMessages / 2, READ_BURST_MESSAGES * sockets);
    }

    /** On the event loop. Pauses first, then says so: whoever resumes does it after this pause. */
    private void pauseReads() {
        if (!paused.get() && readsNeeded.get() == 0 && reads.pause()) {
            paused.set(true);
            pauses.increment();
            if (readsNeeded.get() > 0) {
                resumeReadsIf(true); // holdReads() came between the check above and the pause
            }
            log.debug("Subscriber buffer filling ({} messages, {} bytes): reading paused until handlers catch up",
                    enqueued.get() - dispatched.get(), bufferedBytes.get());
        }
    }

    /** Resumes reads paused earlier once the buffer is down to half of where they paused, or if {@code always}. */
    private void resumeReadsIf(boolean always) {
        if (paused.get() && (always || enqueued.get() - dispatched.get() <= pauseAtMessages / 2 && bufferedBytes.get() <= pauseAtBytes / 2)
                && paused.compareAndSet(true, false)) {
            reads.resume();
            resumedNanos = System.nanoTime();
        }
    }

    /**
     * Reading goes on, whatever the buffer holds, until {@link #releaseReads()}: for a command on
     * the subscriber connection whose reply must come, such as UNSUBSCRIBE, even while a handler
     * is stuck. What the full buffer cannot take meanwhile is discarded and counted.
     */
    void holdReads() {
        readsNeeded.incrementAndGet();
        resumeReadsIf(true);
    }

    void releaseReads() {
        readsNeeded.decrementAndGet();
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            Inbound in;
            try {
                in = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (in != null) {
                deliver(in);
            }
            resumeReadsIf(!running || readsNeeded.get() > 0);
        }
        resumeReadsIf(true);
    }

    private void deliver(Inbound in) {
        try {
            if (in.observeGaps()) {
                gaps.observe(in.channel(), in.body());
            }
            Delivery delivery = Delivery.of(in.body());
            for (DeliveryListener target : in.targets()) {
                try {
                    target.onDelivery(delivery);
                } catch (InterruptedException e) {
                    // the listener parked the message; go on with the next target and message
                    log.debug("Interrupted while handing over a message of '{}'", in.channel());
                } catch (RuntimeException e) {
                    log.error("A listener of channel '{}' failed to take a message; it goes on", in.channel(), e);
                }
            }
        } finally {
            bufferedBytes.addAndGet(-in.body().length);
            dispatched.incrementAndGet();
        }
    }

    /** Waits until everything enqueued so far was handed over; false at the timeout. */
    boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inInbox.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        long target = enqueued.get();
        while (dispatched.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        return true;
    }

    /**
     * Hands over what is left (listeners park what they no longer accept) and stops the thread.
     * Waits as long as the intake makes progress: every received message must reach a listener.
     */
    void stop() {
        handingOver.drainHere(TimeUnit.SECONDS.toNanos(1)); // what the event loop had not handed over yet
        running = false;
        try {
            long lastDispatched = -1;
            while (thread.isAlive()) {
                thread.join(1000);
                long now = dispatched.get();
                if (now == lastDispatched && thread.isAlive()) {
                    log.warn("The subscriber intake is stuck handing over a message; {} message(s) still buffered", queue.size());
                    thread.interrupt();
                    thread.join(1000);
                    break;
                }
                lastDispatched = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long received() {
        return enqueued.get() + direct.sum();
    }

    long discarded() {
        return discarded.sum();
    }

    /** Whether reading from Redis is paused now, waiting for handlers. */
    boolean readsPaused() {
        return paused.get();
    }

    /**
     * Whether a heartbeat last heard at {@code heardNanos} is late at {@code nowNanos}: silent for
     * longer than {@code timeout} while reads were not paused. While reads wait for the handlers,
     * heartbeats wait in Redis with the events: that is no deafness.
     */
    boolean late(long heardNanos, long nowNanos, Duration timeout) {
        long t = timeout.toNanos();
        return nowNanos - heardNanos > t && !readsPaused() && nowNanos - resumedNanos > t;
    }

    /** How often reading was paused. */
    long pauses() {
        return pauses.sum();
    }

    int buffered() {
        return queue.size() + (int) inInbox.get();
    }
}
