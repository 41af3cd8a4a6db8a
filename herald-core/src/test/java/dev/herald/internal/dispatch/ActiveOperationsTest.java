package dev.herald.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ActiveOperationsTest {

    private static long inSeconds(long seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void withNothingInProgressTheWaitReturnsAtOnce() throws Exception {
        assertThat(new ActiveOperations().awaitZero(System.nanoTime())).isTrue();
    }

    @Test
    void theWaitEndsWhenTheLastOperationExitsLongBeforeItsDeadline() throws Exception {
        ActiveOperations operations = new ActiveOperations();
        operations.enter();
        operations.enter();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return operations.awaitZero(inSeconds(60));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.await();
        operations.exit();
        Thread.sleep(50);
        assertThat(waited).as("one operation is still in progress").isNotDone();
        operations.exit();
        assertThat(waited.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theWaitTimesOutWhileAnOperationIsInProgress() throws Exception {
        ActiveOperations operations = new ActiveOperations();
        operations.enter();
        long start = System.nanoTime();
        assertThat(operations.awaitZero(start + Duration.ofMillis(100).toNanos())).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void manyThreadsEnteringAndExitingEndEveryWaiter() throws Exception {
        ActiveOperations operations = new ActiveOperations();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                operations.enter();
                CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
                    try {
                        return operations.awaitZero(inSeconds(60));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads);
                for (int i = 0; i < 10; i++) {
                    operations.enter();
                    threads.execute(operations::exit);
                }
                operations.exit();
                assertThat(waited.get(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
