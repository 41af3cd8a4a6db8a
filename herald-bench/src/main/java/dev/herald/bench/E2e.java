package dev.herald.bench;

import dev.herald.RetryPolicy;
import dev.herald.SubscriptionOptions;
import dev.herald.redis.RedisCleanup;
import dev.herald.redis.RedisEventBus;
import dev.herald.redis.RedisKeys;
import dev.herald.redis.RedisTarget;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** One measured run of each variant: Herald and the raw clients, on the same Redis, payload and load. */
final class E2e {

    private static final int WINDOW = 1000;
    private static final int FLUSH_EVERY = 64;
    private static final String CHANNEL = "bench:raw";
    /** How long a publish batch waits for its replicas with {@code --publish-replicas}. */
    private static final Duration PUBLISH_REPLICAS_TIMEOUT = Duration.ofSeconds(1);

    /**
     * A variant's figures.
     *
     * @param jvmCpuMicrosPerEvent CPU time of this JVM (publisher and subscriber, JIT and GC included)
     *     from the first publish to the last receipt, per event received
     * @param shards Herald variants: each Redis shard's share of the events and CPU time; empty for the others
     */
    record Outcome(String variant, long published, long received, long unique, long duplicates, double publishPerSecond,
            double deliveredPerSecond, double p50Micros, double p99Micros, double p999Micros, long peakHeapBytes,
            long countedMissed, double jvmCpuMicrosPerEvent, List<Shard> shards) {
        long lost() {
            return published - unique;
        }

        /** Seconds from the first publish to the last receipt. */
        double seconds() {
            return deliveredPerSecond > 0 ? received / deliveredPerSecond : 0;
        }

        Outcome withShards(List<Shard> figures) {
            return new Outcome(variant, published, received, unique, duplicates, publishPerSecond, deliveredPerSecond, p50Micros,
                    p99Micros, p999Micros, peakHeapBytes, countedMissed, jvmCpuMicrosPerEvent, List.copyOf(figures));
        }
    }

    /**
     * One Redis shard (the server, or a master of a cluster) during a run.
     *
     * @param address host:port
     * @param types how many of the run's event types it serves
     * @param events the run's events it served (published to a channel or stream of its slots)
     * @param cpuSeconds its CPU time during the run ({@code INFO cpu}, system and user)
     */
    record Shard(String address, int types, long events, double cpuSeconds) {
        /** Redis CPU per event it served, in microseconds. */
        double cpuMicrosPerEvent() {
            return events > 0 ? cpuSeconds * 1e6 / events : 0;
        }
    }

    /** Publishes {@code n} messages with at most {@link #WINDOW} in flight, paced when a rate is set. */
    interface Sender {
        void send(long seq, long sentNanos, Semaphore window) throws Exception;

        default void flush() {
        }
    }

    private final E2eOptions options;
    private final String uri;

    E2e(E2eOptions options, String uri) {
        this.options = options;
        this.uri = uri;
    }

    /** Whether the run in progress is the warm-up: never paced, since the JIT counts calls, not seconds. */
    private boolean warmingUp;

    Outcome warmUp(String variant, int events) throws Exception {
        warmingUp = true;
        try {
            return run(variant, events);
        } finally {
            warmingUp = false;
        }
    }

    Outcome run(String variant, int events) throws Exception {
        if (!Row.isHerald(variant) && RedisTarget.parse(uri).isCluster()) {
            throw new IllegalArgumentException("variant " + variant + " needs one server; on a Redis Cluster only Herald's variants run");
        }
        System.gc();
        try (Tracker.HeapSampler heap = new Tracker.HeapSampler()) {
            Tracker tracker = new Tracker();
            return switch (variant) {
                case "herald", "herald_shared" -> herald(variant, events, tracker, heap, RedisEventBus.Mode.PUBSUB);
                case "herald_streams" -> herald(variant, events, tracker, heap, RedisEventBus.Mode.STREAMS);
                case "lettuce_async", "lettuce_batched", "lettuce_best" -> lettuce(variant, events, tracker, heap);
                case "jedis" -> jedis(events, tracker, heap);
                case "lettuce_streams" -> lettuceStreams(events, tracker, heap);
                case "sockets" -> sockets(events, tracker, heap);
                default -> throw new IllegalArgumentException(unknownVariant(variant));
            };
        }
    }

    // ------------------------------------------------------------------ shared loop

    private Outcome measure(String variant, int events, Tracker tracker, Tracker.HeapSampler heap, Sender sender)
            throws Exception {
        return measure(variant, events, List.of(tracker), heap, sender, () -> -1L);
    }

    /**
     * Publishes {@code events} from {@code publishers} threads (disjoint sequence numbers), waits
     * until every tracker has them all or nothing more arrives for 5 s, and reports. With several
     * trackers (fan-out), delivered counts every delivery, and lost is the worst tracker's.
     */
    private Outcome measure(String variant, int events, List<Tracker> trackers, Tracker.HeapSampler heap, Sender sender,
            LongSupplier countedMissed) throws Exception {
        int publishers = options.publishers();
        if (publishers > 1 && !THREAD_SAFE_SENDERS.contains(variant)) {
            throw new IllegalArgumentException("--publishers > 1 works with " + THREAD_SAFE_SENDERS + ", not " + variant);
        }
        Semaphore window = new Semaphore(WINDOW);
        ThreadCpu cpu = ThreadCpu.enabled() ? new ThreadCpu() : null;
        long jvmCpuBefore = jvmCpuNanos();
        long start = System.nanoTime();
        double interval = options.rate() > 0 && !warmingUp ? 1e9 * publishers / options.rate() : 0;
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int p = 0; p < publishers; p++) {
            int first = p;
            Thread t = new Thread(() -> {
                try {
                    long n = 0;
                    for (long seq = first; seq < events; seq += publishers, n++) {
                        if (interval > 0) {
                            long due = start + (long) (n * interval);
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        }
                        if (!window.tryAcquire()) {
                            sender.flush();
                            window.acquire();
                        }
                        sender.send(seq, System.nanoTime(), window);
                    }
                    sender.flush();
                } catch (Exception e) {
                    failure.set(e);
                } finally {
                    ThreadCpu.finished();
                }
            }, "publisher-" + p);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        window.acquire(WINDOW);
        long published = System.nanoTime();
        long lastProgress = System.nanoTime();
        long seen = -1;
        while (trackers.stream().mapToLong(Tracker::received).min().orElse(0) < events) {
            long now = trackers.stream().mapToLong(Tracker::received).sum();
            if (now != seen) {
                seen = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(5)) {
                break; // nothing more is coming: the rest is lost
            }
            Thread.sleep(2);
        }
        long received = trackers.stream().mapToLong(Tracker::received).sum();
        long jvmCpu = jvmCpuNanos() - jvmCpuBefore;
        if (Hops.enabled()) {
            if (warmingUp) {
                Hops.reset();
            } else {
                Hops.report(variant);
            }
        }
        if (cpu != null) {
            cpu.report(variant, received);
        }
        long end = trackers.stream().mapToLong(Tracker::lastNanos).max().orElse(System.nanoTime());
        Tracker worst = trackers.stream().min(Comparator.comparingLong(Tracker::unique)).orElseThrow();
        return new Outcome(variant, events, received, worst.unique(),
                trackers.stream().mapToLong(Tracker::duplicates).sum(),
                events / ((published - start) / 1e9), received / ((Math.max(end, start + 1) - start) / 1e9),
                worst.percentileMicros(50), worst.percentileMicros(99), worst.percentileMicros(99.9), heap.peak(),
                countedMissed.getAsLong(), received > 0 ? jvmCpu / 1e3 / received : 0, List.of());
    }

    /** This JVM's CPU time so far, all threads, in nanoseconds. */
    private static long jvmCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** Every variant, Pub/Sub's then Streams'. */
    static final List<String> VARIANTS = List.of("herald", "herald_shared", "lettuce_async", "lettuce_batched", "lettuce_best",
            "jedis", "sockets", "herald_streams", "lettuce_streams");

    static String unknownVariant(String variant) {
        return "--variants takes " + String.join(", ", VARIANTS) + ", not '" + variant + "'";
    }

    private static final Set<String> THREAD_SAFE_SENDERS =
            Set.of("herald", "herald_shared", "herald_streams", "lettuce_async", "lettuce_streams");

    // ------------------------------------------------------------------ Herald

    private Outcome herald(String variant, int events, Tracker tracker, Tracker.HeapSampler heap, RedisEventBus.Mode mode)
            throws Exception {
        boolean shared = variant.equals("herald_shared");
        String pad = Payloads.pad(options.size(), Payloads.ENVELOPE_OVERHEAD);
        int types = options.types();
        try (RedisShards shards = new RedisShards(uri); Observability observability = Observability.of(options.observe())) {
            String prefix = spreadPrefix(shards, mode, types);
            List<RedisEventBus> subscribers = new ArrayList<>();
            List<RedisClient> clients = new ArrayList<>();
            List<Tracker> trackers = new ArrayList<>();
            RedisEventBus publisher = null;
            try {
                for (int i = 0; i < options.instances(); i++) {
                    Tracker mine = i == 0 ? tracker : new Tracker();
                    trackers.add(mine);
                    RedisEventBus.Builder builder = heraldBuilder(clients, shared).mode(mode).prefix(prefix)
                            .source("bench-sub-" + i) // in Streams mode, other services each get every event
                            .retry(RetryPolicy.none())
                            .observer(observability.observer());
                    if (mode == RedisEventBus.Mode.STREAMS) {
                        builder.streamRetention(streamRetention(events)).readBatch(500); // as the raw lettuce_streams reader
                    }
                    RedisEventBus subscriber = builder.build();
                    observability.bound(subscriber, "sub-" + i);
                    for (int t = 0; t < types; t++) {
                        subscribe(subscriber, Payloads.TYPES.get(t), mine, events);
                    }
                    subscriber.start();
                    subscribers.add(subscriber);
                }
                RedisEventBus.Builder publisherBuilder = heraldBuilder(clients, shared).mode(mode).prefix(prefix).source("bench-pub")
                        .observer(observability.observer());
                if (mode == RedisEventBus.Mode.STREAMS) {
                    publisherBuilder.streamRetention(streamRetention(events));
                    if (options.publishReplicas() > 0) {
                        publisherBuilder.publishReplicas(options.publishReplicas(), PUBLISH_REPLICAS_TIMEOUT);
                    }
                }
                RedisEventBus bus = publisherBuilder.build();
                observability.bound(bus, "pub");
                publisher = bus;
                bus.start();
                Map<String, Double> cpuBefore = shards.cpuSeconds();
                AtomicLong failed = new AtomicLong();
                AtomicReference<Throwable> firstFailure = new AtomicReference<>();
                Outcome outcome = measure(variant, events, trackers, heap,
                        (seq, sent, window) -> bus.publish(Payloads.event((int) (seq % types), seq, sent, pad))
                                .whenComplete((ok, failure) -> {
                                    if (failure != null && failed.incrementAndGet() == 1) {
                                        firstFailure.set(failure);
                                    }
                                    window.release();
                                }),
                        () -> {
                            // one more event of each type after the run makes every missed number a visible gap
                            for (int t = 0; t < types; t++) {
                                bus.publish(Payloads.event(t, events, System.nanoTime(), pad)).join();
                            }
                            try {
                                Thread.sleep(500);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            if (ThreadCpu.enabled()) {
                                subscribers.forEach(b -> System.err.println("health " + b.health().transport()));
                            }
                            return subscribers.stream().mapToLong(RedisEventBus::missedEvents).max().orElse(0);
                        });
                Map<String, Double> cpuAfter = shards.cpuSeconds();
                if (failed.get() > 0) { // with publishReplicas: a batch whose replicas did not answer in time
                    System.err.printf(Locale.ROOT, "%s: %,d publish(es) failed, the first with: %s%n", variant, failed.get(),
                            firstFailure.get());
                }
                return outcome.withShards(shardFigures(shards, mode, prefix, types, events, cpuBefore, cpuAfter));
            } finally {
                if (publisher != null) {
                    publisher.shutdown(Duration.ofSeconds(10));
                }
                for (RedisEventBus s : subscribers) {
                    s.shutdown(Duration.ofSeconds(10));
                }
                clients.forEach(Hops::shutdown);
                RedisCleanup.deleteAll(uri, prefix); // Redis memory stays bounded over many runs
            }
        }
    }

    /** One handler of a type; the first instance's records (the fence, seq == events, is not counted). */
    private <E extends Payloads.Numbered> void subscribe(RedisEventBus bus, Class<E> type, Tracker tracker, int events) {
        for (int h = 0; h < options.handlers(); h++) {
            boolean recorder = h == 0;
            bus.subscribe(type, SubscriptionOptions.named("handler-" + h).withQueueCapacity(8192), e -> {
                if (recorder && e.payload().seq() < events) {
                    tracker.record(e.payload().seq(), e.payload().sent());
                }
                if (options.handlerDelayMicros() > 0) {
                    long until = System.nanoTime() + options.handlerDelayMicros() * 1000L;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
    }

    /** The Redis key of a type: the channel (a shard channel on a cluster) or the stream. */
    private static String keyOf(RedisEventBus.Mode mode, String prefix, int type) {
        String name = Payloads.typeName(type);
        return mode == RedisEventBus.Mode.STREAMS ? RedisKeys.stream(prefix, name) : RedisKeys.channel(prefix, name);
    }

    /**
     * A prefix of its own for a run, under which the types spread over the shards as evenly as
     * they can (8 types over 3 masters: 3, 3 and 2), so that runs compare alike.
     */
    private static String spreadPrefix(RedisShards shards, RedisEventBus.Mode mode, int types) {
        String base = "bench" + System.nanoTime();
        int most = (types + shards.addresses().size() - 1) / shards.addresses().size();
        for (int attempt = 0; ; attempt++) {
            String prefix = base + "-" + attempt;
            Map<String, Integer> perShard = new HashMap<>();
            for (int t = 0; t < types; t++) {
                perShard.merge(shards.shardOf(keyOf(mode, prefix, t)), 1, Integer::sum);
            }
            if (perShard.values().stream().allMatch(n -> n <= most)) {
                return prefix;
            }
        }
    }

    /** Each shard's types, events and CPU time during the run; events go to the types round-robin. */
    private static List<Shard> shardFigures(RedisShards shards, RedisEventBus.Mode mode, String prefix, int types, int events,
            Map<String, Double> cpuBefore, Map<String, Double> cpuAfter) {
        List<Shard> figures = new ArrayList<>();
        for (String address : shards.addresses()) {
            int served = 0;
            long eventsServed = 0;
            for (int t = 0; t < types; t++) {
                if (shards.shardOf(keyOf(mode, prefix, t)).equals(address)) {
                    served++;
                    eventsServed += events / types + (t < events % types ? 1 : 0);
                }
            }
            figures.add(new Shard(address, served, eventsServed, cpuAfter.get(address) - cpuBefore.get(address)));
        }
        return figures;
    }

    /** Streams mode: a retention that keeps the whole run. */
    private static long streamRetention(int events) {
        return Math.max(RedisEventBus.Builder.DEFAULT_STREAM_RETENTION, events * 2L);
    }

    /**
     * A bus builder. By default on the bus's own client, as {@code RedisEventBus.builder(uri)}
     * makes it; {@code shared}: on one client for all the variant's buses, as the raw variants'
     * publishing and subscribing connections share one. A client made here has the options of
     * Herald's own (RESP2, no per-command timer, Herald's Netty customizer), and {@link Hops}'
     * stamps when those are on.
     */
    private RedisEventBus.Builder heraldBuilder(List<RedisClient> clients, boolean shared) {
        if (RedisTarget.parse(uri).isCluster()) {
            if (shared || Hops.enabled()) {
                throw new IllegalArgumentException("herald_shared and -Dherald.bench.hops need one server, not a Redis Cluster");
            }
            return RedisEventBus.builder(uri);
        }
        if (shared && !clients.isEmpty()) {
            return RedisEventBus.builder(clients.get(0));
        }
        if (!shared && !Hops.enabled()) {
            return RedisEventBus.builder(uri);
        }
        RedisClient client = Hops.client(uri, true);
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2)
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build()).build());
        clients.add(client);
        return RedisEventBus.builder(client);
    }

    // ------------------------------------------------------------------ raw Lettuce Pub/Sub

    private Outcome lettuce(String variant, int events, Tracker tracker, Tracker.HeapSampler heap) throws Exception {
        String pad = Payloads.pad(options.size(), 40);
        boolean best = variant.equals("lettuce_best");
        RedisClient client = Hops.client(uri, false);
        if (best) {
            client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
        }
        StatefulRedisPubSubConnection<byte[], byte[]> sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                tracker.record(Payloads.number(message, Payloads.SEQ), Payloads.number(message, Payloads.SENT));
            }
        });
        sub.sync().subscribe(CHANNEL.getBytes(StandardCharsets.UTF_8));
        try {
            if (best) {
                StatefulRedisConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE);
                pub.setAutoFlushCommands(false);
                byte[] channel = CHANNEL.getBytes(StandardCharsets.UTF_8);
                try {
                    return measure(variant, events, tracker, heap, batched(pub::flushCommands,
                            (seq, sent) -> pub.async().publish(channel, Payloads.rawBytes(seq, sent, pad))));
                } finally {
                    pub.close();
                }
            }
            StatefulRedisConnection<String, String> pub = client.connect(StringCodec.UTF8);
            try {
                if (variant.equals("lettuce_batched")) {
                    pub.setAutoFlushCommands(false);
                    return measure(variant, events, tracker, heap, batched(pub::flushCommands,
                            (seq, sent) -> pub.async().publish(CHANNEL, Payloads.raw(seq, sent, pad))));
                }
                return measure(variant, events, tracker, heap, (seq, sent, window) ->
                        pub.async().publish(CHANNEL, Payloads.raw(seq, sent, pad)).whenComplete((n, f) -> window.release()));
            } finally {
                pub.close();
            }
        } finally {
            sub.close();
            Hops.shutdown(client);
        }
    }

    private interface Command {
        RedisFuture<?> send(long seq, long sent);
    }

    /** Auto-flush off: a flush every {@link #FLUSH_EVERY} commands, and before waiting on a full window. */
    private static Sender batched(Runnable flush, Command command) {
        return new Sender() {
            private int unflushed;

            @Override
            public void send(long seq, long sentNanos, Semaphore window) {
                command.send(seq, sentNanos).whenComplete((n, f) -> window.release());
                if (++unflushed >= FLUSH_EVERY) {
                    flush();
                }
            }

            @Override
            public void flush() {
                flush.run();
                unflushed = 0;
            }
        };
    }

    // ------------------------------------------------------------------ Jedis

    private Outcome jedis(int events, Tracker tracker, Tracker.HeapSampler heap) throws Exception {
        String pad = Payloads.pad(options.size(), 40);
        URI parsed = URI.create(uri);
        Jedis subscriberConnection = new Jedis(parsed.getHost(), parsed.getPort());
        CountDownLatch subscribed = new CountDownLatch(1);
        redis.clients.jedis.BinaryJedisPubSub listener = new redis.clients.jedis.BinaryJedisPubSub() {
            @Override
            public void onMessage(byte[] channel, byte[] message) {
                tracker.record(Payloads.number(message, Payloads.SEQ), Payloads.number(message, Payloads.SENT));
            }

            @Override
            public void onSubscribe(byte[] channel, int count) {
                subscribed.countDown();
            }
        };
        Thread subscriberThread = new Thread(() -> subscriberConnection.subscribe(listener,
                CHANNEL.getBytes(StandardCharsets.UTF_8)), "jedis-subscriber");
        subscriberThread.setDaemon(true);
        subscriberThread.start();
        subscribed.await(10, TimeUnit.SECONDS);
        Jedis publisherConnection = new Jedis(parsed.getHost(), parsed.getPort());
        Pipeline pipeline = publisherConnection.pipelined();
        byte[] channel = CHANNEL.getBytes(StandardCharsets.UTF_8);
        try {
            return measure("jedis", events, tracker, heap, new Sender() {
                private int unsynced;

                @Override
                public void send(long seq, long sentNanos, Semaphore window) {
                    pipeline.publish(channel, Payloads.rawBytes(seq, sentNanos, pad));
                    if (++unsynced >= 256) {
                        flush();
                    }
                    window.release(); // the pipeline's sync bounds what is in flight
                }

                @Override
                public void flush() {
                    pipeline.sync();
                    unsynced = 0;
                }
            });
        } finally {
            listener.unsubscribe();
            subscriberThread.join(5000); // the subscriber returns once unsubscribed; then its connection can close
            publisherConnection.close();
            subscriberConnection.close();
        }
    }

    // ------------------------------------------------------------------ no client library

    private Outcome sockets(int events, Tracker tracker, Tracker.HeapSampler heap) throws Exception {
        try (PlainSockets sockets = new PlainSockets(uri, CHANNEL, tracker)) {
            return measure("sockets", events, tracker, heap, sockets.sender(Payloads.pad(options.size(), 40)));
        }
    }

    // ------------------------------------------------------------------ raw Lettuce Streams

    private Outcome lettuceStreams(int events, Tracker tracker, Tracker.HeapSampler heap) throws Exception {
        String pad = Payloads.pad(options.size(), 40);
        byte[] stream = ("bench:stream:" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        byte[] group = "bench".getBytes(StandardCharsets.UTF_8);
        byte[] field = "event".getBytes(StandardCharsets.UTF_8);
        RedisClient client = RedisClient.create(uri);
        StatefulRedisConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE);
        StatefulRedisConnection<byte[], byte[]> sub = client.connect(ByteArrayCodec.INSTANCE);
        sub.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "$"), group, XGroupCreateArgs.Builder.mkstream());
        Thread reader = new Thread(() -> {
            Consumer<byte[]> consumer = Consumer.from(group, "c1".getBytes(StandardCharsets.UTF_8));
            XReadArgs args = XReadArgs.Builder.count(500).block(100);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    List<StreamMessage<byte[], byte[]>> batch = sub.sync().xreadgroup(consumer, args,
                            XReadArgs.StreamOffset.lastConsumed(stream));
                    if (batch.isEmpty()) {
                        continue;
                    }
                    String[] ids = new String[batch.size()];
                    for (int i = 0; i < ids.length; i++) {
                        // byte[] keys compare by identity: take the entry's only field
                        byte[] body = batch.get(i).getBody().values().iterator().next();
                        tracker.record(Payloads.number(body, Payloads.SEQ), Payloads.number(body, Payloads.SENT));
                        ids[i] = batch.get(i).getId();
                    }
                    sub.async().xack(stream, group, ids);
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted() || !sub.isOpen()) {
                        return;
                    }
                    System.err.println("lettuce_streams reader: " + e);
                }
            }
        }, "lettuce-streams-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            return measure("lettuce_streams", events, tracker, heap, (seq, sent, window) ->
                    pub.async().xadd(stream, field, Payloads.rawBytes(seq, sent, pad)).whenComplete((id, f) -> window.release()));
        } finally {
            reader.interrupt();
            reader.join(2000);
            pub.sync().unlink(stream); // Redis memory stays bounded over many runs
            pub.close();
            sub.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
