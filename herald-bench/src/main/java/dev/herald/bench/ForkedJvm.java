package dev.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs each {@code e2e} variant in its own child JVM with a fixed, pre-touched heap, as JMH forks
 * each benchmark. Both were measured on our 2-core machines:
 * <ul>
 *   <li>with the JVM's default heap sizing (a quarter of 24 GiB, grown on demand and shrunk by
 *       the {@code System.gc()} before each run), the event loops spent about 10% of their time
 *       in the kernel zeroing newly touched heap pages, most for the variants that allocate most;
 *   <li>in one JVM, the variants run before Herald's measured runs re-profiled the Lettuce and
 *       Netty code they share with different types (codecs, listeners), and the JIT's recompiling
 *       made the first measured run of whichever variant came next half as fast.
 * </ul>
 * All children use the same Redis. Skipped when this JVM was given its own heap size
 * ({@code -Xmx}, {@code -Xms}) or {@code -Dherald.bench.fork=false}: then every variant runs here.
 */
final class ForkedJvm {

    static final List<String> HEAP = List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
    private static final String CHILD = "herald.bench.child";
    private static final String MARK = "herald-bench-outcome ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForkedJvm() {
    }

    static boolean isChild() {
        return Boolean.getBoolean(CHILD);
    }

    static boolean wanted() {
        if (isChild() || !Boolean.parseBoolean(System.getProperty("herald.bench.fork", "true"))) {
            return false;
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(a -> a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-XX:MaxHeapSize")
                        || a.startsWith("-XX:InitialHeapSize"));
    }

    /** Runs one variant (its warm-up and runs) in a child JVM against {@code redisUri}; returns its outcomes. */
    static List<E2e.Outcome> runVariant(Class<?> main, String[] args, String variant, String redisUri) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(HEAP);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + CHILD + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--variants", "--redis" -> i++;
                case "--json" -> {
                    // the parent prints
                }
                default -> command.add(args[i]);
            }
        }
        command.addAll(List.of("--variants", variant, "--redis", redisUri));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread stopChild = new Thread(child::destroy);
        Runtime.getRuntime().addShutdownHook(stopChild);
        List<E2e.Outcome> outcomes = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(MARK)) {
                    outcomes.add(JSON.readValue(line.substring(MARK.length()), E2e.Outcome.class));
                } else {
                    System.out.println(line);
                }
            }
        }
        int exit = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(stopChild);
        if (exit != 0 || outcomes.isEmpty()) {
            throw new IllegalStateException("the child JVM running variant '" + variant + "' exited with " + exit
                    + " and " + outcomes.size() + " outcome(s); its errors are above");
        }
        return outcomes;
    }

    /** In a child: hands the outcomes to the parent, one JSON line each. */
    static void report(Map<String, List<E2e.Outcome>> results) throws Exception {
        for (List<E2e.Outcome> outcomes : results.values()) {
            for (E2e.Outcome o : outcomes) {
                System.out.println(MARK + JSON.writeValueAsString(o));
            }
        }
    }
}
