package dev.herald.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.BitSet;
import org.HdrHistogram.Histogram;

/**
 * What one variant's subscriber saw: which sequence numbers arrived (loss and duplicates), the
 * latency from the publish call to the handler (HdrHistogram, microseconds), and when.
 */
final class Tracker {

    private final BitSet seen = new BitSet();
    private final Histogram latencyMicros = new Histogram(60_000_000L, 3);
    private long received;
    private long duplicates;
    private long firstNanos;
    private long lastNanos;

    synchronized void record(long seq, long sentNanos) {
        long now = System.nanoTime();
        if (received == 0) {
            firstNanos = now;
        }
        lastNanos = now;
        received++;
        if (seen.get((int) seq)) {
            duplicates++;
        } else {
            seen.set((int) seq);
        }
        latencyMicros.recordValue(Math.max(0, Math.min((now - sentNanos) / 1000, 60_000_000L)));
        if (HOPS) {
            Hops.record(sentNanos, now);
        }
    }

    private static final boolean HOPS = Hops.enabled();

    synchronized long unique() {
        return seen.cardinality();
    }

    synchronized long received() {
        return received;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long lastNanos() {
        return lastNanos;
    }

    synchronized double percentileMicros(double p) {
        return latencyMicros.getValueAtPercentile(p);
    }

    /** Samples the heap in use every 20 ms, for the peak. */
    static final class HeapSampler implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long peak;

        HeapSampler() {
            thread = new Thread(() -> {
                while (running) {
                    peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long peak() {
            return peak;
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}
