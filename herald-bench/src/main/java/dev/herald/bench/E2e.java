package dev.herald.bench;

import dev.herald.EventBus;
import dev.herald.RetryPolicy;
import dev.herald.SubscriptionOptions;
import dev.herald.redis.RedisEventBus;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

/** One measured run of each variant: Herald and the raw clients, on the same Redis, payload and load. */
final class E2e {

    private static final int WINDOW = 1000;
    private static final int FLUSH_EVERY = 64;
    private static final String CHANNEL = "bench:raw";

    /** A variant's figures. */
    record Outcome(String variant, long published, long received, long unique, long duplicates, double publishPerSecond,
            double deliveredPerSecond, double p50Micros, double p99Micros, double p999Micros, long peakHeapBytes) {
        long lost() {
            return published - unique;
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

    Outcome run(String variant, int events) throws Exception {
        System.gc();
        try (Tracker.HeapSampler heap = new Tracker.HeapSampler()) {
            Tracker tracker = new Tracker();
            return switch (variant) {
                case "herald" -> herald(events, tracker, heap, RedisEventBus.Mode.PUBSUB);
                case "herald_streams" -> herald(events, tracker, heap, RedisEventBus.Mode.STREAMS);
                case "lettuce_async", "lettuce_batched", "lettuce_best" -> lettuce(variant, events, tracker, heap);
                case "jedis" -> jedis(events, tracker, heap);
                case "lettuce_streams" -> lettuceStreams(events, tracker, heap);
                default -> throw new IllegalArgumentException("unknown variant '" + variant + "'");
            };
        }
    }

    // ------------------------------------------------------------------ shared loop

    private Outcome measure(String variant, int events, Tracker tracker, Tracker.HeapSampler heap, Sender sender)
            throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        long start = System.nanoTime();
        double interval = options.rate() > 0 ? 1e9 / options.rate() : 0;
        for (long seq = 0; seq < events; seq++) {
            if (interval > 0) {
                long due = start + (long) (seq * interval);
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
        window.acquire(WINDOW);
        long published = System.nanoTime();
        long lastProgress = System.nanoTime();
        long seen = -1;
        while (tracker.received() < events) {
            long now = tracker.received();
            if (now != seen) {
                seen = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(5)) {
                break; // nothing more is coming: the rest is lost
            }
            Thread.sleep(2);
        }
        long end = tracker.received() > 0 ? tracker.lastNanos() : System.nanoTime();
        return new Outcome(variant, events, tracker.received(), tracker.unique(), tracker.duplicates(),
                events / ((published - start) / 1e9), tracker.received() / ((end - start) / 1e9),
                tracker.percentileMicros(50), tracker.percentileMicros(99), tracker.percentileMicros(99.9), heap.peak());
    }

    // ------------------------------------------------------------------ Herald

    private Outcome herald(int events, Tracker tracker, Tracker.HeapSampler heap, RedisEventBus.Mode mode) throws Exception {
        String pad = Payloads.pad(options.size(), Payloads.ENVELOPE_OVERHEAD);
        String prefix = "bench" + System.nanoTime();
        RedisEventBus subscriber = RedisEventBus.builder(uri).mode(mode).prefix(prefix).source("bench-sub")
                .retry(RetryPolicy.none()).build();
        for (int h = 0; h < options.handlers(); h++) {
            boolean recorder = h == 0;
            subscriber.subscribe(Payloads.BenchEvent.class, SubscriptionOptions.named("handler-" + h).withQueueCapacity(8192), e -> {
                if (recorder) {
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
        subscriber.start();
        RedisEventBus publisher = RedisEventBus.builder(uri).mode(mode).prefix(prefix).source("bench-pub").build();
        publisher.start();
        try {
            return measure(mode == RedisEventBus.Mode.STREAMS ? "herald_streams" : "herald", events, tracker, heap,
                    (seq, sent, window) -> publisher.publish(new Payloads.BenchEvent(seq, sent, pad))
                            .whenComplete((ok, failure) -> window.release()));
        } finally {
            publisher.shutdown(Duration.ofSeconds(10));
            subscriber.shutdown(Duration.ofSeconds(10));
        }
    }

    // ------------------------------------------------------------------ raw Lettuce Pub/Sub

    private Outcome lettuce(String variant, int events, Tracker tracker, Tracker.HeapSampler heap) throws Exception {
        String pad = Payloads.pad(options.size(), 40);
        boolean best = variant.equals("lettuce_best");
        RedisClient client = RedisClient.create(uri);
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
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
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
        java.net.URI parsed = java.net.URI.create(uri);
        Jedis subscriberConnection = new Jedis(parsed.getHost(), parsed.getPort());
        java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
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
            pub.close();
            sub.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
