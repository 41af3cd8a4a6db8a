package dev.herald.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One run at a time, nothing handed in is left behind, and what runs take keeps its order. */
class EventLoopBatchRunnerTest {

    @Test
    void runsNeverOverlapAndTakeEverythingInOrder() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        ConcurrentLinkedQueue<Integer> handedIn = new ConcurrentLinkedQueue<>();
        List<Integer> taken = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger loopKnown = new AtomicInteger();
        EventLoopBatchRunner task = new EventLoopBatchRunner(() -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            runs.incrementAndGet();
            Integer n;
            while ((n = handedIn.poll()) != null) {
                taken.add(n); // only ever one run: no lock needed
            }
            running.decrementAndGet();
        }, () -> !handedIn.isEmpty(), () -> loopKnown.get() > 0 ? loop : null); // unknown at first: callers run it

        int threads = 4;
        int each = 50_000;
        AtomicInteger next = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            senders.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    synchronized (handedIn) { // numbers handed in in order, as publishes are under one lock
                        handedIn.add(next.getAndIncrement());
                    }
                    if (i == 100) {
                        loopKnown.set(1);
                    }
                    task.request();
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread s : senders) {
            s.join();
        }
        task.drainHere(TimeUnit.SECONDS.toNanos(5));
        loop.shutdown();
        assertThat(loop.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

        assertThat(overlaps.get()).isZero();
        assertThat(handedIn).isEmpty();
        assertThat(taken).hasSize(threads * each).isSorted();
        assertThat(runs.get()).as("batched: far fewer runs than requests").isLessThan(threads * each);
    }

    @Test
    void aShutDownEventLoopFallsBackToTheCallingThread() {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        loop.shutdown();
        ConcurrentLinkedQueue<Integer> handedIn = new ConcurrentLinkedQueue<>();
        List<Integer> taken = new ArrayList<>();
        EventLoopBatchRunner task = new EventLoopBatchRunner(() -> {
            Integer n;
            while ((n = handedIn.poll()) != null) {
                taken.add(n);
            }
        }, () -> !handedIn.isEmpty(), () -> loop);
        handedIn.add(1);
        task.request();
        assertThat(taken).containsExactly(1);
    }
}
