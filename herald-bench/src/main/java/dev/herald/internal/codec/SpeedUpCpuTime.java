package dev.herald.internal.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * SpeedUpBench's cases timed in CPU time of the running thread, not wall time, and interleaved:
 * every round runs each case once for a batch, in a new random order. On a machine shared with
 * other work, wall time also counts the time the thread waited for a core; CPU time does not.
 * {@code java -cp herald-bench.jar dev.herald.internal.codec.SpeedUpCpuTime [rounds] [batch ms] [regex of cases]}.
 */
public final class SpeedUpCpuTime {

    private SpeedUpCpuTime() {
    }

    /** Runs the comparison and prints one line per case: mean ± 99.9% interval, in ns of CPU per operation. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        long batchNanos = (args.length > 1 ? Long.parseLong(args[1]) : 20) * 1_000_000L;
        SpeedUpBench b = new SpeedUpBench();
        b.setUp();
        Map<String, Callable<Object>> cases = new LinkedHashMap<>();
        cases.put("decodeHerald", b::decodeHerald);
        cases.put("decodeSdkJsonFormat", b::decodeSdkJsonFormat);
        cases.put("encodeHerald", b::encodeHerald);
        cases.put("encodeNoAsciiStrings", b::encodeNoAsciiStrings);
        cases.put("encodeSdkJsonFormat", b::encodeSdkJsonFormat);
        cases.put("timeFormatInstantToString", b::timeFormatInstantToString);
        cases.put("timeFormatIsoInstant", b::timeFormatIsoInstant);
        cases.put("timeFormatRfc3339", b::timeFormatRfc3339);
        cases.put("timeParseInstant", b::timeParseInstant);
        cases.put("timeParseOffsetDateTime", b::timeParseOffsetDateTime);
        cases.put("timeParseRfc3339", b::timeParseRfc3339);
        if (args.length > 2) {
            cases.keySet().removeIf(name -> !name.matches(args[2]));
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Map<String, Integer> opsPerBatch = new LinkedHashMap<>();
        for (Map.Entry<String, Callable<Object>> c : cases.entrySet()) { // warm-up, and the batch size of each case
            long start = cpu.getCurrentThreadCpuTime();
            int ops = 0;
            while (cpu.getCurrentThreadCpuTime() - start < 3 * batchNanos * 10) {
                for (int i = 0; i < 100; i++) {
                    sink ^= c.getValue().call().hashCode();
                }
                ops += 100;
            }
            opsPerBatch.put(c.getKey(), Math.max(100, ops / 30));
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(cases.keySet());
        Random random = new Random(1);
        for (int r = 0; r < rounds; r++) {
            Collections.shuffle(order, random);
            for (String name : order) {
                Callable<Object> c = cases.get(name);
                int ops = opsPerBatch.get(name);
                long start = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    sink ^= c.call().hashCode();
                }
                long used = cpu.getCurrentThreadCpuTime() - start;
                samples.computeIfAbsent(name, k -> new ArrayList<>()).add((double) used / ops);
            }
        }
        for (String name : cases.keySet()) {
            List<Double> s = samples.get(name);
            double mean = s.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double var = s.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / (s.size() - 1);
            double err = 3.6 * Math.sqrt(var / s.size()); // ~99.9% (Student t, 39 degrees of freedom)
            System.out.printf("%-28s %10.1f ± %8.1f ns CPU/op  (%d rounds)%n", name, mean, err, s.size());
        }
        System.out.println("sink " + (sink == 42 ? "" : "ok"));
    }

    private static int sink;
}
