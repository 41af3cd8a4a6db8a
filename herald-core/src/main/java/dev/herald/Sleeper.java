package dev.herald;

import java.time.Duration;

/**
 * Waits between retries. Injected (see {@link EventBusBuilder#sleeper(Sleeper)}) so that tests of
 * backoff record the delays instead of sleeping.
 *
 * <p>Implementations must be thread-safe and must throw {@link InterruptedException} when the
 * calling thread is interrupted, as a shutdown deadline does.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Waits.
     *
     * @param duration how long; zero or positive
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * The real thing: {@link Thread#sleep(long, int)}.
     *
     * @return a sleeper that sleeps
     */
    static Sleeper system() {
        return duration -> {
            if (!duration.isZero() && !duration.isNegative()) {
                Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
            } else if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        };
    }
}
