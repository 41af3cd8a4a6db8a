package dev.herald.bench;

import dev.herald.redis.RedisTarget;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@code e2e}.
 *
 * @param mode pubsub or streams
 * @param events events per variant
 * @param size approximate message size in bytes
 * @param publishers publisher threads (herald, herald_shared, herald_streams, lettuce_async and lettuce_streams; the
 *     batched raw variants and Jedis pipeline on one thread only)
 * @param handlers Herald handlers per event (the first records)
 * @param rate events per second, or 0 for as fast as possible
 * @param redis a Redis URI, or null to start a throw-away redis-server
 * @param json print one JSON line instead of the table
 * @param runs measured runs of each variant
 * @param handlerDelayMicros busy time per Herald handler call
 * @param variants which variants, or null for the mode's defaults
 * @param instances Herald subscriber bus instances (fan-out); each must receive every event
 * @param warmup events per warm-up round of each variant, published as fast as possible even
 *     when {@code rate} is set; by default {@code events}, at least 5,000 and at most 300,000
 * @param warmupSeconds warm-up rounds go on until this many seconds have passed (at least one
 *     round): on 2 cores the JIT's one C2 thread needs 10-20 s to compile Herald's (larger) code
 *     path, and measured runs before that are up to 1.6x slower and vary twice as much
 * @param types Herald variants: events spread round-robin over this many event types (1 to 8),
 *     each its own channel or stream, each with its handler(s)
 * @param cluster Herald on a Redis Cluster beside one server in the same run ({@link Row#clusterRows})
 * @param replicas with {@code cluster}: replicas per master of the throw-away cluster; in Streams
 *     mode, rows with {@code publishReplicas} are added
 * @param publishReplicas Streams mode: the publishing bus waits for this many replicas after each
 *     batch ({@code publishReplicas(n, timeout)}); 0 for none
 * @param observe what observes Herald's buses: {@code none}, {@code micrometer}, {@code micrometer-default} or {@code otel} ({@link Observability});
 *     several, separated by commas, make a row of each Herald variant per observer, taking turns in one run ({@link Row#variantRows})
 */
record E2eOptions(String mode, int events, int size, int publishers, int handlers, int rate, @Nullable String redis,
        boolean json, int runs, int handlerDelayMicros, @Nullable List<String> variants, int instances, int warmup,
        int warmupSeconds, int types, boolean cluster, int replicas, int publishReplicas, String observe) {

    static E2eOptions parse(String[] args) {
        String mode = "pubsub";
        int events = 200_000;
        int size = 1024;
        int publishers = 1;
        int handlers = 1;
        int rate = 0;
        String redis = null;
        boolean json = false;
        int runs = 3;
        int delay = 0;
        List<String> variants = null;
        int instances = 1;
        int warmup = -1;
        int warmupSeconds = 20;
        int types = 1;
        boolean cluster = false;
        int replicas = 0;
        int publishReplicas = 0;
        String observe = "none";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--json" -> json = true;
                case "--mode" -> mode = value(args, ++i, a);
                case "--events" -> events = number(args, ++i, a, 1, 50_000_000);
                case "--size" -> size = number(args, ++i, a, 64, 1_000_000);
                case "--publishers" -> publishers = number(args, ++i, a, 1, 64);
                case "--instances" -> instances = number(args, ++i, a, 1, 16);
                case "--handlers" -> handlers = number(args, ++i, a, 1, 64);
                case "--rate" -> rate = number(args, ++i, a, 1, 10_000_000);
                case "--redis" -> redis = value(args, ++i, a);
                case "--runs" -> runs = number(args, ++i, a, 1, 20);
                case "--handler-delay" -> delay = number(args, ++i, a, 0, 1_000_000);
                case "--warmup" -> warmup = number(args, ++i, a, 0, 50_000_000);
                case "--warmup-seconds" -> warmupSeconds = number(args, ++i, a, 0, 3600);
                case "--variants" -> {
                    variants = List.of(value(args, ++i, a).split(",", -1));
                    variants.stream().filter(v -> !E2e.VARIANTS.contains(v)).findFirst().ifPresent(v -> {
                        throw new IllegalArgumentException(E2e.unknownVariant(v));
                    });
                }
                case "--types" -> types = number(args, ++i, a, 1, Payloads.TYPES.size());
                case "--cluster" -> cluster = true;
                case "--replicas" -> replicas = number(args, ++i, a, 0, 1);
                case "--publish-replicas" -> publishReplicas = number(args, ++i, a, 0, 1);
                case "--observe" -> observe = value(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; see: e2e --help");
            }
        }
        if (!mode.equals("pubsub") && !mode.equals("streams")) {
            throw new IllegalArgumentException("--mode must be pubsub or streams, not '" + mode + "'");
        }
        List<String> observers = List.of(observe.split(",", -1));
        if (observers.size() > 1 && observers.contains("")) {
            throw new IllegalArgumentException("--observe lists observers separated by commas, none of them empty, not '"
                    + observe + "'");
        }
        observers.forEach(Observability::check);
        if (observers.size() != Set.copyOf(observers).size()) {
            throw new IllegalArgumentException("--observe names each observer once, not '" + observe + "'");
        }
        if (observers.size() > 1 && cluster) {
            throw new IllegalArgumentException("--cluster takes one --observe, not '" + observe + "'");
        }
        if (warmup < 0) {
            warmup = Math.max(5_000, Math.min(300_000, events));
        }
        if (replicas > 0 && !cluster) {
            throw new IllegalArgumentException("--replicas is for the throw-away cluster of --cluster");
        }
        if (publishReplicas > 0 && !mode.equals("streams")) {
            throw new IllegalArgumentException("--publish-replicas needs --mode streams: Pub/Sub keeps nothing to replicate");
        }
        return new E2eOptions(mode, events, size, publishers, handlers, rate, redis, json, runs, delay, variants, instances,
                warmup, warmupSeconds, types, cluster, replicas, publishReplicas, observe);
    }

    /** These options for one row of a run: its number of types and its replicas to wait for. */
    E2eOptions with(int types, int publishReplicas) {
        return new E2eOptions(mode, events, size, publishers, handlers, rate, redis, json, runs, handlerDelayMicros, variants,
                instances, warmup, warmupSeconds, types, cluster, replicas, publishReplicas, observe);
    }

    /** These options for one row observed by one observer. */
    E2eOptions observedBy(String observer) {
        return new E2eOptions(mode, events, size, publishers, handlers, rate, redis, json, runs, handlerDelayMicros, variants,
                instances, warmup, warmupSeconds, types, cluster, replicas, publishReplicas, observer);
    }

    /** The observers of {@code --observe}, in the order given. */
    List<String> observers() {
        return List.of(observe.split(",", -1));
    }

    /** Herald's variant of the mode: {@code herald} or {@code herald_streams}. */
    String heraldVariant() {
        return mode.equals("streams") ? "herald_streams" : "herald";
    }

    List<String> variantsToRun() {
        if (variants != null) {
            return variants;
        }
        if (redis != null && RedisTarget.parse(redis).isCluster()) {
            return List.of(heraldVariant()); // the raw clients' variants need one server
        }
        return mode.equals("streams") ? List.of("herald_streams", "lettuce_streams")
                : List.of("herald", "lettuce_async", "lettuce_batched", "lettuce_best", "jedis");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i, String option, int min, int max) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a whole number from " + min + " to " + max + ", not '" + v + "'");
    }
}
