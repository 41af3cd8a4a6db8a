package dev.herald.cli;

import dev.herald.DomainEvent;
import dev.herald.EventType;
import dev.herald.RetryPolicy;
import dev.herald.redis.RedisCleanup;
import dev.herald.redis.RedisEventBus;
import dev.herald.redis.RedisTarget;
import dev.herald.testkit.RedisServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code herald bench}: a quick load check of Herald alone. One bus publishes events of about
 * {@code --size} bytes (at most 1,000 in flight, paced by {@code --rate} if given), another bus
 * subscribed with one handler receives them. After a warm-up ({@code --warmup-seconds}, default
 * 10, in rounds of 20,000 events), it reports the publish and delivery rates, the latency from the
 * publish call to the handler, and what was lost, duplicated, or counted as missed by Herald's
 * gap counter. On a throw-away {@code redis-server} unless
 * {@code --redis} is given (never {@code $HERALD_REDIS_URI}: a benchmark should not load a
 * deployment's Redis by accident); its keys, under a prefix of its own, are deleted afterwards.
 * Exits with 1 when events were lost. Comparisons with raw Lettuce and Jedis in one run are
 * {@code herald-bench}'s ({@code docs/BENCHMARKS.md}).
 */
final class BenchCommand {

    static final String USAGE = "bench [--events N] [--size BYTES] [--rate PER_SECOND] [--mode pubsub|streams] [--warmup-seconds S] "
            + "[--redis URI] [--timeout DURATION]";

    /** The benchmark's event; the pad makes the whole CloudEvent about the requested size. */
    @EventType("bench.event")
    record BenchEvent(long seq, long sent, String pad) implements DomainEvent {
    }

    /** Bytes Herald's envelope adds around the payload (attributes, ids, extensions), about. */
    private static final int ENVELOPE_OVERHEAD = 390;
    private static final int WINDOW = 1000;
    private static final int WARM_UP = 20_000;
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs {@code bench ...}.
     *
     * @param environment the environment variables: {@code HERALD_TIMEOUT} (never {@code HERALD_REDIS_URI})
     */
    int run(String[] args, Map<String, String> environment) throws InterruptedException {
        CommandLine line = CommandLine.parse(args, USAGE, Map.of("--events", "a number of events", "--size", "a number of bytes",
                "--rate", "events per second", "--mode", "pubsub or streams", "--warmup-seconds", "a number of seconds",
                "--redis", RedisOptions.URI_DESCRIPTION, "--timeout", RedisOptions.TIMEOUT_DESCRIPTION),
                Set.of());
        if (!line.words().isEmpty()) {
            throw new IllegalArgumentException("bench takes options only, not '" + line.words().get(0) + "'; usage: herald " + USAGE);
        }
        int events = Arguments.wholeNumber(line.value("--events", "100000"), 1, 5_000_000, "--events");
        int size = Arguments.wholeNumber(line.value("--size", "1024"), ENVELOPE_OVERHEAD, 1_000_000,
                "--size (the envelope alone is about " + ENVELOPE_OVERHEAD + " bytes)");
        int rate = Arguments.wholeNumber(line.value("--rate", "0"), 0, 10_000_000, "--rate (0: as fast as possible)");
        RedisEventBus.Mode mode = RedisOptions.mode(line);
        int warmUpSeconds = Arguments.wholeNumber(line.value("--warmup-seconds", "10"), 0, 600, "--warmup-seconds");
        Duration timeout = RedisOptions.timeout(line, environment);
        RedisTarget given = RedisOptions.target(line.value("--redis"), "--redis");
        RedisTarget redis = given != null ? RedisOptions.bounded(given, timeout) : null;
        Settings settings = new Settings(events, size, rate, mode, warmUpSeconds);
        if (redis != null) {
            out.printf(Locale.ROOT, "herald bench: %s on %s%n", settings, redis);
            return RedisFailure.explained(redis, () -> bench(redis.uri(), settings));
        }
        try (RedisServer server = RedisServer.start()) {
            out.printf(Locale.ROOT, "herald bench: %s on a throw-away redis-server (%s, port %d)%n", settings, server.binary(),
                    server.port());
            return bench(RedisTarget.parse(server.uri()).withTimeout(timeout).uri(), settings);
        }
    }

    private record Settings(int events, int size, int rate, RedisEventBus.Mode mode, int warmUpSeconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d events of ~%,d bytes, %s, %s", events, size, mode.name().toLowerCase(Locale.ROOT),
                    rate > 0 ? String.format(Locale.ROOT, "%,d/s", rate) : "as fast as possible");
        }
    }

    private int bench(String uri, Settings s) throws InterruptedException {
        int warmUp = Math.min(WARM_UP, s.events());
        long warmUpStart = System.nanoTime();
        int rounds = 0;
        do { // until the JIT has compiled the hot paths, roughly: the first runs are several times slower
            run(uri, s, warmUp, 0);
            rounds++;
        } while (System.nanoTime() - warmUpStart < TimeUnit.SECONDS.toNanos(s.warmUpSeconds()));
        out.printf(Locale.ROOT, "warm-up: %d round(s) of %,d events as fast as possible in %.0f s%n", rounds, warmUp,
                (System.nanoTime() - warmUpStart) / 1e9);
        Result r = run(uri, s, s.events(), s.rate());
        out.printf(Locale.ROOT, "published %,d in %.2f s (%,.0f/s); delivered %,d in %.2f s (%,.0f/s)%n", s.events(),
                r.publishNanos() / 1e9, s.events() / (r.publishNanos() / 1e9), r.received(), r.deliverNanos() / 1e9,
                r.received() / (r.deliverNanos() / 1e9));
        out.printf(Locale.ROOT, "latency, publish call to handler: p50 %,d us, p99 %,d us, p999 %,d us, max %,d us%n",
                r.percentileMicros(50), r.percentileMicros(99), r.percentileMicros(99.9), r.percentileMicros(100));
        if (r.failedPublishes() > 0) {
            out.printf(Locale.ROOT, "%,d publish(es) failed, the first with: %s%n", r.failedPublishes(), r.firstFailure());
        }
        out.printf(Locale.ROOT, "lost %,d, duplicates %,d%s%n", r.lost(), r.duplicates(),
                s.mode() == RedisEventBus.Mode.PUBSUB ? String.format(Locale.ROOT, ", missed by Herald's own count %,d", r.countedMissed()) : "");
        out.println("Herald beside raw Lettuce and Jedis in one run: java -jar herald-bench/target/herald-bench.jar e2e "
                + "(docs/BENCHMARKS.md)");
        if (r.lost() > 0) {
            out.println(s.mode() == RedisEventBus.Mode.PUBSUB
                    ? "events were lost: Pub/Sub cannot hold a backlog for a subscriber slower than its publisher; try --rate, "
                            + "or --mode streams"
                    : "events were lost");
            return 1;
        }
        return 0;
    }

    private record Result(long publishNanos, long deliverNanos, long received, long duplicates, long lost, long countedMissed,
            long failedPublishes, String firstFailure, long[] sortedLatencies) {
        long percentileMicros(double percentile) {
            if (sortedLatencies.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(percentile / 100 * sortedLatencies.length) - 1;
            return sortedLatencies[Math.max(0, Math.min(sortedLatencies.length - 1, i))] / 1000;
        }
    }

    /** One run: a subscribing bus, then a publishing bus, under a prefix of their own, deleted afterwards. */
    private Result run(String uri, Settings s, int events, int rate) throws InterruptedException {
        String prefix = "herald-bench-" + Long.toHexString(System.nanoTime());
        String pad = "x".repeat(Math.max(0, s.size() - ENVELOPE_OVERHEAD));
        long[] latencies = new long[events];
        boolean[] seen = new boolean[events];
        AtomicLong received = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicLong lastReceipt = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>("");
        RedisEventBus subscriber = RedisEventBus.builder(uri).mode(s.mode()).prefix(prefix).source("herald-bench-subscriber")
                .retry(RetryPolicy.none()).build();
        RedisEventBus publisher = null;
        boolean reached = false;
        try {
            subscriber.subscribe(BenchEvent.class, "bench", e -> { // one worker thread: plain arrays suffice
                long now = System.nanoTime();
                int seq = (int) e.payload().seq();
                if (seq < 0 || seq >= events) {
                    return; // the closing event
                }
                if (seen[seq]) {
                    duplicates.incrementAndGet();
                    return;
                }
                seen[seq] = true;
                latencies[seq] = now - e.payload().sent();
                lastReceipt.set(now);
                received.incrementAndGet();
            });
            subscriber.start();
            reached = true;
            publisher = RedisEventBus.builder(uri).mode(s.mode()).prefix(prefix).source("herald-bench-publisher").build();
            publisher.start();
            Semaphore window = new Semaphore(WINDOW);
            long start = System.nanoTime();
            for (int seq = 0; seq < events; seq++) {
                if (rate > 0) {
                    long due = start + (long) (seq * (1e9 / rate));
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                window.acquire();
                publisher.publish(new BenchEvent(seq, System.nanoTime(), pad)).whenComplete((ok, failure) -> {
                    if (failure != null && failed.incrementAndGet() == 1) {
                        firstFailure.set(String.valueOf(failure.getMessage()));
                    }
                    window.release();
                });
            }
            window.acquire(WINDOW);
            long published = System.nanoTime();
            // one more event: every number missed before it shows as a gap in Herald's count
            publisher.publish(new BenchEvent(events, System.nanoTime(), "")).join();
            long lastCount = -1;
            long lastProgress = System.nanoTime();
            while (received.get() < events && System.nanoTime() - lastProgress < QUIET_NANOS) {
                long now = received.get();
                if (now != lastCount) {
                    lastCount = now;
                    lastProgress = System.nanoTime();
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
            TimeUnit.MILLISECONDS.sleep(200); // the closing event's gap check
            long got = received.get();
            long[] measured = new long[(int) got];
            int k = 0;
            for (int i = 0; i < events && k < measured.length; i++) {
                if (seen[i]) {
                    measured[k++] = latencies[i];
                }
            }
            Arrays.sort(measured);
            long deliveredAt = got > 0 ? lastReceipt.get() : published;
            return new Result(published - start, deliveredAt - start, got, duplicates.get(), events - got,
                    subscriber.missedEvents(), failed.get(), Objects.requireNonNull(firstFailure.get()), measured);
        } finally {
            if (publisher != null) {
                publisher.shutdown(Duration.ofSeconds(10));
            }
            subscriber.shutdown(Duration.ofSeconds(10));
            if (reached) { // else there is nothing to delete, and the error that ends the run says why
                RedisCleanup.deleteAll(uri, prefix); // its streams and dead letters
            }
        }
    }
}
