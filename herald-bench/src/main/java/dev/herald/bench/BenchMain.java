package dev.herald.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.openjdk.jmh.Main;

/**
 * {@code java -jar herald-bench.jar e2e [options]}: Herald against raw Lettuce and Jedis in the
 * same run; {@code java -jar herald-bench.jar jmh [JMH options]}: the micro-benchmarks;
 * {@code java -jar herald-bench.jar observe-cost [options]}: what observing an event costs ({@link ObserveCost}).
 */
public final class BenchMain {

    private BenchMain() {
    }

    /**
     * Runs a command.
     *
     * @param args {@code e2e ...}, {@code jmh ...} or {@code observe-cost ...}
     * @throws Exception if the benchmark fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage();
            return;
        }
        switch (args[0]) {
            case "e2e" -> {
                if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
                    usage();
                    return;
                }
                try {
                    e2e(E2eOptions.parse(Arrays.copyOfRange(args, 1, args.length)), args);
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    System.exit(2);
                }
            }
            case "jmh" -> Main.main(Arrays.copyOfRange(args, 1, args.length));
            case "observe-cost" -> {
                if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
                    System.out.println(ObserveCost.usage());
                    return;
                }
                try {
                    ObserveCost.run(Arrays.copyOfRange(args, 1, args.length), System.out);
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    System.exit(2);
                }
            }
            default -> {
                System.err.println("unknown command '" + args[0] + "'");
                usage();
                System.exit(2);
            }
        }
        System.exit(0);
    }

    private static void usage() {
        System.out.println("""
                usage: herald-bench e2e [--mode pubsub|streams] [--events N] [--size BYTES] [--handlers H]
                                        [--publishers P] [--instances N] [--types T]
                                        [--rate R] [--redis URI] [--runs N] [--warmup N] [--warmup-seconds S]
                                        [--handler-delay MICROS] [--observe none|micrometer|micrometer-default|otel[,...]]
                                        [--variants herald,lettuce_async,...] [--json]
                         variants: herald herald_shared lettuce_async lettuce_batched lettuce_best jedis sockets (Pub/Sub),
                                   herald_streams lettuce_streams (Streams)
                         --types T: Herald's events round-robin over T event types (1 to 8), each its own channel or stream
                         --redis URI: redis://host:port, or redis-cluster://host:port[,host:port...] for a Redis Cluster
                                   (Herald's variants only; raw clients need one server)
                         --observe: what observes Herald's buses: none (default), micrometer (MicrometerObserver with
                                   timers in a SimpleMeterRegistry by HeraldMeterObservationHandler, HeraldMetrics bound),
                                   micrometer-default (the same with Micrometer's DefaultMeterObservationHandler) or otel
                                   (OpenTelemetryObserver, spans batched to an exporter that discards them); several,
                                   such as none,micrometer,otel: a row of Herald per observer, each in its own JVM,
                                   taking turns, and each observer's delivered/s over none's run by run
                       herald-bench e2e --cluster [--replicas 1] [--types T] [other e2e options]
                         Herald on a throw-away redis-server and a throw-away Redis Cluster of 3 masters (--replicas per
                         master; --redis redis-cluster://... for an existing one), 1 type and 8 (or T) types on each;
                         per shard: events, Redis CPU (INFO cpu) per event; in Streams mode with --replicas 1, the
                         cluster rows again with publishReplicas(1) (WAIT after each publish batch)
                       herald-bench jmh [JMH options, e.g. CodecBench -f 1 -wi 3 -i 5]
                %s""".formatted(ObserveCost.usage()));
    }

    private static void e2e(E2eOptions options, String[] args) throws Exception {
        checkObserversCanFork(options, ForkedJvm.wanted());
        try (Targets targets = Targets.start(options)) {
            String cluster = targets.cluster();
            List<Row> rows = cluster != null ? Row.clusterRows(options, targets.server(), cluster)
                    : Row.variantRows(options, targets.server());
            Map<String, List<E2e.Outcome>> results = new LinkedHashMap<>();
            if (ForkedJvm.wanted()) {
                Map<Row, ForkedJvm> children = new LinkedHashMap<>();
                try {
                    for (Row row : rows) {
                        children.put(row, ForkedJvm.start(BenchMain.class, row.childArgs(args), row.label()));
                    }
                    for (int run = 0; run < options.runs(); run++) {
                        for (Row row : turn(rows, run)) {
                            results.computeIfAbsent(row.label(), k -> new ArrayList<>()).add(children.get(row).run());
                        }
                    }
                } finally {
                    for (ForkedJvm child : children.values()) {
                        child.close();
                    }
                }
            } else {
                Map<Row, E2e> benches = new LinkedHashMap<>();
                for (Row row : rows) {
                    E2e bench = new E2e(row.options(), row.uri());
                    benches.put(row, bench);
                    warmUp(bench, row, options.warmup(), options.warmupSeconds());
                }
                if (ForkedJvm.isChild()) {
                    Row only = rows.get(0);
                    ForkedJvm.serve(() -> benches.get(only).run(only.variant(), options.events()));
                    return;
                }
                for (int run = 0; run < options.runs(); run++) {
                    for (Row row : turn(rows, run)) {
                        results.computeIfAbsent(row.label(), k -> new ArrayList<>())
                                .add(benches.get(row).run(row.variant(), options.events()));
                    }
                }
            }
            if (cluster != null) {
                ClusterReport report = new ClusterReport(options, targets.describe(), results);
                System.out.println(options.json() ? report.json() : report.table());
            } else if (options.json()) {
                System.out.println(json(options, results));
            } else {
                table(options, targets.describe(), results);
            }
        }
    }

    /**
     * Several observers need a JVM each: in one, the bus's observer calls would see every observer,
     * and {@code none}'s code would be compiled for all of them.
     *
     * @throws IllegalArgumentException with several observers and no child JVMs
     */
    static void checkObserversCanFork(E2eOptions options, boolean forking) {
        if (options.observers().size() > 1 && !forking) {
            throw new IllegalArgumentException("--observe " + options.observe() + " runs each observer in a JVM of its own,"
                    + " which -Dherald.bench.fork=false or a heap size (-Xmx, -Xms, -XX:MaxHeapSize, -XX:InitialHeapSize) turn off:"
                    + " drop them, or give one observer per invocation");
        }
    }

    /**
     * The rows in the order of one turn of measured runs: each turn starts one row further on, so
     * that no row always runs first (the rows keep their cyclic order).
     */
    static List<Row> turn(List<Row> rows, int run) {
        List<Row> order = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            order.add(rows.get((run + i) % rows.size()));
        }
        return order;
    }

    /** The longest warm-up: past it, runs are measured even if the JIT is still busy. */
    static final int MAX_WARMUP_SECONDS = 180;
    /** The JIT is quiet when it compiled during less than this share of a warm-up round. */
    static final double QUIET_JIT = 0.02;

    /**
     * Warm-up rounds for at least {@code seconds}, and then until the JIT is quiet: on 2 cores
     * its one C2 thread needs 10-60 s for Herald's path depending on the machine's speed, and
     * runs measured while it compiles were measured up to 1.3x slower (at most
     * {@link #MAX_WARMUP_SECONDS}). With {@code seconds == 0}, exactly one round.
     */
    private static void warmUp(E2e bench, Row row, int events, int seconds) throws Exception {
        String variant = row.variant();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long minimum = start + TimeUnit.SECONDS.toNanos(seconds);
        long maximum = start + TimeUnit.SECONDS.toNanos(Math.max(seconds, MAX_WARMUP_SECONDS));
        int rounds = 0;
        double busy;
        do {
            long compiledBefore = timed ? jit.getTotalCompilationTime() : 0;
            long roundStart = System.nanoTime();
            bench.warmUp(variant, events);
            rounds++;
            double roundMillis = (System.nanoTime() - roundStart) / 1e6;
            busy = timed ? (jit.getTotalCompilationTime() - compiledBefore) / roundMillis : 0;
        } while (seconds > 0 && System.nanoTime() < maximum && (System.nanoTime() < minimum || busy >= QUIET_JIT));
        String observed = row.options().observe().equals("none") ? "" : ", observed by " + row.options().observe();
        System.err.printf(Locale.ROOT, "warm-up %s%s: %d round(s) in %.0f s; JIT busy %.1f%% of the last round%n", variant, observed,
                rounds, (System.nanoTime() - start) / 1e9, busy * 100);
    }

    static double median(List<E2e.Outcome> runs, ToDoubleFunction<E2e.Outcome> f) {
        return median(runs.stream().mapToDouble(f).toArray());
    }

    static double min(List<E2e.Outcome> runs, ToDoubleFunction<E2e.Outcome> f) {
        return runs.stream().mapToDouble(f).min().orElse(0);
    }

    static double max(List<E2e.Outcome> runs, ToDoubleFunction<E2e.Outcome> f) {
        return runs.stream().mapToDouble(f).max().orElse(0);
    }

    private static void table(E2eOptions o, String redis, Map<String, List<E2e.Outcome>> results) {
        System.out.printf(Locale.ROOT, "e2e %s: %d events of ~%d bytes per run, %d run(s), rate %s, %d publisher(s), "
                + "%d Herald instance(s), %d handler(s), handler delay %d us, observed by %s, Redis %s%n",
                o.mode(), o.events(), o.size(), o.runs(), o.rate() > 0 ? o.rate() + "/s" : "unlimited", o.publishers(),
                o.instances(), o.handlers(), o.handlerDelayMicros(), o.observe(), redis);
        int width = Math.max(16, results.keySet().stream().mapToInt(String::length).max().orElse(0));
        System.out.printf(Locale.ROOT, "%-" + width + "s %12s %28s %9s %9s %9s %8s %8s %6s %10s%n", "variant", "publish/s",
                "delivered/s min/median/max", "p50 us", "p99 us", "p999 us", "lost", "counted", "dups", "peak heap");
        for (Map.Entry<String, List<E2e.Outcome>> e : results.entrySet()) {
            List<E2e.Outcome> r = e.getValue();
            System.out.printf(Locale.ROOT, "%-" + width + "s %12.0f %9.0f/%9.0f/%9.0f %9.0f %9.0f %9.0f %8.0f %8s %6.0f %8.0fMB%n",
                    e.getKey(),
                    median(r, E2e.Outcome::publishPerSecond), min(r, E2e.Outcome::deliveredPerSecond),
                    median(r, E2e.Outcome::deliveredPerSecond), max(r, E2e.Outcome::deliveredPerSecond),
                    median(r, E2e.Outcome::p50Micros), median(r, E2e.Outcome::p99Micros), median(r, E2e.Outcome::p999Micros),
                    max(r, x -> x.lost()), counted(r), max(r, x -> x.duplicates()), max(r, x -> x.peakHeapBytes()) / 1e6);
        }
        String herald = heraldRow(o, results);
        if (results.containsKey(herald)) {
            double h = median(results.get(herald), E2e.Outcome::deliveredPerSecond);
            for (String base : results.keySet()) {
                // with several observers Herald's other rows are compared below, observer by observer
                if (!base.equals(herald) && !observedRow(o, base)) {
                    System.out.printf(Locale.ROOT, "ratio %s / %s (median delivered/s): %.2f%n", herald, base,
                            h / median(results.get(base), E2e.Outcome::deliveredPerSecond));
                }
            }
        }
        if (o.observers().size() > 1 && !o.observers().contains("none")) {
            System.out.println("no ratios to none: --observe " + o.observe() + " lacks none to compare with");
        }
        observedRatios(o, results).forEach((row, ratios) -> System.out.printf(Locale.ROOT,
                "ratio %s / none (delivered/s, run by run): %s; median %.2f%n", row,
                Arrays.stream(ratios).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).collect(Collectors.joining(" ")),
                median(ratios)));
    }

    /** Whether a row is one of a Herald variant's rows, one per observer, of a run with several observers. */
    private static boolean observedRow(E2eOptions o, String label) {
        return o.observers().size() > 1
                && o.variantsToRun().stream().filter(Row::isHerald).anyMatch(variant -> label.startsWith(variant + " "));
    }

    /**
     * The row Herald is compared with the raw clients by: its variant's, or with several observers
     * its variant's unobserved one (else the first observer's).
     */
    private static String heraldRow(E2eOptions o, Map<String, List<E2e.Outcome>> results) {
        String observer = o.observers().contains("none") ? "none" : o.observers().get(0);
        for (String variant : List.of("herald", "herald_streams")) {
            String row = o.observers().size() == 1 ? variant : Row.observed(variant, observer);
            if (results.containsKey(row)) {
                return row;
            }
        }
        return "herald";
    }

    /**
     * With several observers, one of them {@code none}: each Herald variant's delivered rate
     * observed by each other observer over its rate unobserved, run by run (the rows take turns,
     * so each ratio compares runs next to each other in time), keyed by the observed row's name.
     */
    static Map<String, double[]> observedRatios(E2eOptions o, Map<String, List<E2e.Outcome>> results) {
        Map<String, double[]> ratios = new LinkedHashMap<>();
        if (o.observers().size() < 2 || !o.observers().contains("none")) {
            return ratios;
        }
        for (String variant : o.variantsToRun()) {
            List<E2e.Outcome> none = results.get(Row.observed(variant, "none"));
            if (!Row.isHerald(variant) || none == null) {
                continue;
            }
            for (String observer : o.observers()) {
                List<E2e.Outcome> observed = results.get(Row.observed(variant, observer));
                if (!observer.equals("none") && observed != null) {
                    ratios.put(Row.observed(variant, observer), IntStream.range(0, Math.min(none.size(), observed.size()))
                            .mapToDouble(i -> observed.get(i).deliveredPerSecond() / none.get(i).deliveredPerSecond())
                            .toArray());
                }
            }
        }
        return ratios;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Herald's own count of missed events (its gap counter) in each run, beside "lost": they should match. */
    static String counted(List<E2e.Outcome> runs) {
        if (runs.get(0).countedMissed() < 0) {
            return "-";
        }
        return runs.stream().map(x -> Long.toString(x.countedMissed())).reduce((a, b) -> a + "/" + b).orElse("-");
    }

    static String json(E2eOptions o, Map<String, List<E2e.Outcome>> results) {
        StringBuilder out = new StringBuilder("{");
        out.append("\"mode\":\"").append(o.mode()).append("\",\"events\":").append(o.events())
                .append(",\"size\":").append(o.size()).append(",\"runs\":").append(o.runs()).append(",\"rate\":").append(o.rate())
                .append(",\"observe\":\"").append(o.observe()).append('"');
        String herald = heraldRow(o, results);
        double h = results.containsKey(herald) ? median(results.get(herald), E2e.Outcome::deliveredPerSecond) : 0;
        for (String base : List.of("lettuce_async", "lettuce_batched", "lettuce_best", "jedis", "lettuce_streams")) {
            if (results.containsKey(base)) {
                out.append(",\"ratio_vs_").append(base).append("\":").append(String.format(Locale.ROOT, "%.3f",
                        h / median(results.get(base), E2e.Outcome::deliveredPerSecond)));
            }
        }
        // every row of Herald's: with several observers, each observer's too
        List<List<E2e.Outcome>> heralds = results.entrySet().stream()
                .filter(e -> e.getKey().equals(herald) || observedRow(o, e.getKey())).map(Map.Entry::getValue).toList();
        out.append(",\"herald_row\":").append(results.containsKey(herald) ? '"' + herald + '"' : "null");
        out.append(",\"herald_lost\":").append(heralds.isEmpty() ? -1
                : (long) heralds.stream().mapToDouble(r -> max(r, x -> x.lost())).max().orElse(0));
        out.append(",\"herald_counted_missed\":").append(heralds.isEmpty() ? -1
                : (long) heralds.stream().mapToDouble(r -> max(r, x -> x.countedMissed())).max().orElse(0));
        Map<String, double[]> observed = observedRatios(o, results);
        if (!observed.isEmpty()) {
            out.append(",\"ratio_vs_none\":{").append(observed.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "\"%s\":{\"runs\":[%s],\"median\":%.3f}", e.getKey(),
                            Arrays.stream(e.getValue()).mapToObj(r -> String.format(Locale.ROOT, "%.3f", r))
                                    .collect(Collectors.joining(",")), median(e.getValue())))
                    .collect(Collectors.joining(","))).append('}');
        }
        out.append(",\"variants\":{");
        boolean first = true;
        for (Map.Entry<String, List<E2e.Outcome>> e : results.entrySet()) {
            List<E2e.Outcome> r = e.getValue();
            out.append(first ? "" : ",").append('"').append(e.getKey()).append("\":{")
                    .append(String.format(Locale.ROOT, "\"publish_per_s\":%.0f,\"delivered_per_s_min\":%.0f,"
                            + "\"delivered_per_s_median\":%.0f,\"delivered_per_s_max\":%.0f,\"p50_us\":%.0f,\"p99_us\":%.0f,"
                            + "\"p999_us\":%.0f,\"lost\":%.0f,\"duplicates\":%.0f,\"peak_heap_bytes\":%.0f,\"counted_missed\":%.0f,"
                            + "\"delivered_per_s_runs\":[%s]}",
                            median(r, E2e.Outcome::publishPerSecond), min(r, E2e.Outcome::deliveredPerSecond),
                            median(r, E2e.Outcome::deliveredPerSecond), max(r, E2e.Outcome::deliveredPerSecond),
                            median(r, E2e.Outcome::p50Micros), median(r, E2e.Outcome::p99Micros),
                            median(r, E2e.Outcome::p999Micros), max(r, x -> x.lost()), max(r, x -> x.duplicates()),
                            max(r, x -> x.peakHeapBytes()), max(r, x -> x.countedMissed()),
                            r.stream().map(x -> String.format(Locale.ROOT, "%.0f", x.deliveredPerSecond()))
                                    .collect(Collectors.joining(","))));
            first = false;
        }
        return out.append("}}").toString();
    }
}
