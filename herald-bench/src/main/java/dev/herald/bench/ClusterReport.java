package dev.herald.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@code e2e --cluster} prints: Herald's rows on one server and on a Redis Cluster, the
 * cluster's rate as a ratio of the server's, and per shard (in the run with the median delivered
 * rate) the events it served and the Redis CPU they cost, from which the report projects what
 * shards on machines of their own would carry. Immutable.
 */
final class ClusterReport {

    /** Issue 17's bar: the cluster's rate for several types, as a share of one server's. */
    static final double BAR = 0.7;

    private final E2eOptions options;
    private final String redis;
    private final Map<String, List<E2e.Outcome>> results;
    /** The rows in the order they ran. */
    private final List<String> labels;

    ClusterReport(E2eOptions options, String redis, Map<String, List<E2e.Outcome>> results) {
        this.options = options;
        this.redis = redis;
        this.results = Map.copyOf(results);
        this.labels = List.copyOf(results.keySet());
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "e2e %s --cluster: %d events of ~%d bytes per run, %d run(s), rate %s, %d publisher(s), "
                + "%d handler(s) per type, handler delay %d us; Redis: %s%n", options.mode(), options.events(), options.size(),
                options.runs(), options.rate() > 0 ? options.rate() + "/s" : "unlimited", options.publishers(), options.handlers(),
                options.handlerDelayMicros(), redis));
        out.append(String.format(Locale.ROOT, "%-26s %10s %28s %8s %8s %6s %8s %5s %13s%n", "row", "publish/s",
                "delivered/s min/median/max", "p50 us", "p99 us", "lost", "counted", "dups", "JVM CPU us/ev"));
        for (String label : labels) {
            List<E2e.Outcome> r = results.get(label);
            out.append(String.format(Locale.ROOT, "%-26s %10.0f %9.0f/%9.0f/%9.0f %8.0f %8.0f %6.0f %8s %5.0f %13.1f%n", label,
                    BenchMain.median(r, E2e.Outcome::publishPerSecond), BenchMain.min(r, E2e.Outcome::deliveredPerSecond),
                    BenchMain.median(r, E2e.Outcome::deliveredPerSecond), BenchMain.max(r, E2e.Outcome::deliveredPerSecond),
                    BenchMain.median(r, E2e.Outcome::p50Micros), BenchMain.median(r, E2e.Outcome::p99Micros),
                    BenchMain.max(r, x -> x.lost()), BenchMain.counted(r), BenchMain.max(r, x -> x.duplicates()),
                    BenchMain.median(r, E2e.Outcome::jvmCpuMicrosPerEvent)));
        }
        for (String[] pair : pairs()) {
            double ratio = ratio(pair[0], pair[1]);
            out.append(String.format(Locale.ROOT, "ratio %s / %s (median delivered/s): %.2f%s%n", pair[1], pair[0], ratio,
                    pair[1].endsWith("types") ? String.format(Locale.ROOT, " (issue 17's bar: >= %.2f, %s)", BAR,
                            ratio >= BAR ? "met" : "not met") : ""));
        }
        out.append(String.format(Locale.ROOT, "%nper shard, in each row's run with the median delivered/s:%n"));
        out.append(String.format(Locale.ROOT, "%-26s %-16s %5s %9s %6s %9s %13s %6s %14s%n", "row", "shard", "types", "events",
                "share", "Redis CPU", "CPU us/event", "busy", "events/s/core"));
        for (String label : labels) {
            E2e.Outcome median = medianRun(label);
            long events = median.shards().stream().mapToLong(E2e.Shard::events).sum();
            for (E2e.Shard shard : median.shards()) {
                boolean served = shard.events() > 0;
                out.append(String.format(Locale.ROOT, "%-26s %-16s %5d %9d %5.1f%% %8.2fs %13s %5.0f%% %14s%n", label,
                        shard.address(), shard.types(), shard.events(), 100.0 * shard.events() / Math.max(1, events),
                        shard.cpuSeconds(), served ? String.format(Locale.ROOT, "%.2f", shard.cpuMicrosPerEvent()) : "-",
                        100 * busy(median, shard), served ? String.format(Locale.ROOT, "%.0f", perCore(shard)) : "-"));
            }
        }
        String many = manyTypes();
        if (many != null) {
            double perShard = medianPerCore(medianRun(many));
            double jvm = BenchMain.median(results.get(many), E2e.Outcome::jvmCpuMicrosPerEvent);
            out.append(String.format(Locale.ROOT, "%nprojection from '%s' (types spread evenly, each shard on a core of its own):%n"
                    + "  Redis: a shard saturates its core at about %,.0f events/s, so N shards carry about N x %,.0f events/s%n"
                    + "  clients: Herald's publisher and subscriber cost %.1f us of CPU per event, about %,.0f events/s per core;%n"
                    + "           add bus instances (and cores) with the shards, or the clients are the limit%n",
                    many, perShard, perShard, jvm, jvm > 0 ? 1e6 / jvm : 0));
        }
        return out.toString();
    }

    String json() {
        StringBuilder out = new StringBuilder("{");
        out.append(String.format(Locale.ROOT, "\"mode\":\"%s\",\"cluster\":true,\"events\":%d,\"size\":%d,\"runs\":%d,\"rate\":%d",
                options.mode(), options.events(), options.size(), options.runs(), options.rate()));
        long lost = 0;
        out.append(",\"rows\":{");
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            List<E2e.Outcome> r = results.get(label);
            lost = Math.max(lost, (long) BenchMain.max(r, x -> x.lost()));
            out.append(i == 0 ? "" : ",").append('"').append(label).append("\":{").append(String.format(Locale.ROOT,
                    "\"publish_per_s\":%.0f,\"delivered_per_s_min\":%.0f,\"delivered_per_s_median\":%.0f,\"delivered_per_s_max\":%.0f,"
                            + "\"p50_us\":%.0f,\"p99_us\":%.0f,\"lost\":%.0f,\"duplicates\":%.0f,\"counted_missed\":%.0f,"
                            + "\"jvm_cpu_us_per_event\":%.2f,\"shards\":[",
                    BenchMain.median(r, E2e.Outcome::publishPerSecond), BenchMain.min(r, E2e.Outcome::deliveredPerSecond),
                    BenchMain.median(r, E2e.Outcome::deliveredPerSecond), BenchMain.max(r, E2e.Outcome::deliveredPerSecond),
                    BenchMain.median(r, E2e.Outcome::p50Micros), BenchMain.median(r, E2e.Outcome::p99Micros),
                    BenchMain.max(r, x -> x.lost()), BenchMain.max(r, x -> x.duplicates()), BenchMain.max(r, x -> x.countedMissed()),
                    BenchMain.median(r, E2e.Outcome::jvmCpuMicrosPerEvent)));
            E2e.Outcome median = medianRun(label);
            for (int s = 0; s < median.shards().size(); s++) {
                E2e.Shard shard = median.shards().get(s);
                out.append(s == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"address\":\"%s\",\"types\":%d,\"events\":%d,"
                        + "\"cpu_s\":%.3f,\"cpu_us_per_event\":%.3f,\"busy\":%.3f}", shard.address(), shard.types(), shard.events(),
                        shard.cpuSeconds(), shard.cpuMicrosPerEvent(), busy(median, shard)));
            }
            out.append("]}");
        }
        out.append("}");
        for (String[] pair : pairs()) {
            out.append(String.format(Locale.ROOT, ",\"ratio %s / %s\":%.3f", pair[1], pair[0], ratio(pair[0], pair[1])));
        }
        return out.append(",\"lost\":").append(lost).append('}').toString();
    }

    /** Each server row with the cluster row of as many types: "server, 8 types" and "cluster, 8 types". */
    private List<String[]> pairs() {
        List<String[]> pairs = new ArrayList<>();
        for (String label : labels) {
            String cluster = label.replaceFirst("^server, ", "cluster, ");
            if (label.startsWith("server, ") && results.containsKey(cluster)) {
                pairs.add(new String[] {label, cluster});
            }
        }
        return pairs;
    }

    private double ratio(String base, String other) {
        return BenchMain.median(results.get(other), E2e.Outcome::deliveredPerSecond)
                / BenchMain.median(results.get(base), E2e.Outcome::deliveredPerSecond);
    }

    /** The cluster row with several types and no WAIT, or null. */
    private @Nullable String manyTypes() {
        return labels.stream().filter(l -> l.startsWith("cluster, ") && l.endsWith("types")).findFirst().orElse(null);
    }

    private E2e.Outcome medianRun(String label) {
        List<E2e.Outcome> sorted = results.get(label).stream().sorted(Comparator.comparingDouble(E2e.Outcome::deliveredPerSecond))
                .toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The share of one core the shard's Redis used from the first publish to the last receipt. */
    private static double busy(E2e.Outcome run, E2e.Shard shard) {
        return run.seconds() > 0 ? shard.cpuSeconds() / run.seconds() : 0;
    }

    /** The events per second that would keep the shard's Redis busy on one core, at the CPU per event measured. */
    private static double perCore(E2e.Shard shard) {
        return shard.cpuMicrosPerEvent() > 0 ? 1e6 / shard.cpuMicrosPerEvent() : 0;
    }

    /** The median over a run's shards that served events of {@link #perCore}. */
    private static double medianPerCore(E2e.Outcome run) {
        double[] v = run.shards().stream().filter(s -> s.events() > 0).mapToDouble(ClusterReport::perCore).sorted().toArray();
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
