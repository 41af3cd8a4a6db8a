package dev.herald.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time per thread over one measured run, grouped by thread name without its trailing
 * number, printed per event to stderr: where each variant spends its CPU. On with
 * {@code -Dherald.bench.cpu=true}; threads that ended during the run are not counted.
 */
final class ThreadCpu {

    private static final Map<String, Long> FINISHED = new ConcurrentHashMap<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> before = new HashMap<>();
    private final long startNanos = System.nanoTime();

    static boolean enabled() {
        return Boolean.getBoolean("herald.bench.cpu");
    }

    /** Called by a thread that ends before the report: its CPU time is counted under its name. */
    static void finished() {
        if (enabled()) {
            FINISHED.merge(Thread.currentThread().getName().replaceAll("-\\d+$", ""),
                    ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(), Long::sum);
        }
    }

    ThreadCpu() {
        FINISHED.clear();
        for (long id : threads.getAllThreadIds()) {
            before.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
    }

    void report(String variant, long events) {
        double wall = (System.nanoTime() - startNanos) / 1e3;
        Map<String, Long> byGroup = new TreeMap<>(FINISHED);
        long total = FINISHED.values().stream().mapToLong(Long::longValue).sum();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long now = threads.getThreadCpuTime(info.getThreadId());
            long used = now - before.getOrDefault(info.getThreadId(), 0L);
            if (now <= 0 || used <= 0) {
                continue;
            }
            String group = info.getThreadName().replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-");
            byGroup.merge(group, used, Long::sum);
            total += used;
        }
        StringBuilder line = new StringBuilder(String.format("cpu %s: %.2f us/event in all, %.0f%% of one core over the run;",
                variant, total / 1e3 / events, 100 * total / 1e3 / wall));
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                .forEach(e -> line.append(String.format(" %s %.2f", e.getKey(), e.getValue() / 1e3 / events)));
        System.err.println(line);
    }
}
