package dev.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Runs each {@code e2e} row (a variant on one Redis, {@link Row}) in its own child JVM with a fixed, pre-touched heap, as JMH forks
 * each benchmark. Both were measured on our 2-core machines:
 * <ul>
 *   <li>with the JVM's default heap sizing (a quarter of 24 GiB, grown on demand and shrunk by
 *       the {@code System.gc()} before each run), the event loops spent about 10% of their time
 *       in the kernel zeroing newly touched heap pages, most for the variants that allocate most;
 *   <li>in one JVM, the variants run before Herald's measured runs re-profiled the Lettuce and
 *       Netty code they share with different types (codecs, listeners), and the JIT's recompiling
 *       made the first measured run of whichever variant came next half as fast.
 * </ul>
 * All children use the same Redis. Each child warms up once, then waits; the measured runs then
 * take turns, one run of each variant after the other (each turn starting one row further on),
 * so that a machine growing slower or faster during the benchmark (as shared machines do, by up
 * to 1.5x) affects every variant alike instead of whichever ran last. Skipped when this JVM was given its own heap size
 * ({@code -Xmx}, {@code -Xms}) or {@code -Dherald.bench.fork=false}: then every variant runs here.
 */
final class ForkedJvm implements AutoCloseable {

    static final List<String> HEAP = List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
    private static final String CHILD = "herald.bench.child";
    private static final String MARK = "herald-bench-outcome ";
    private static final String READY = "herald-bench-ready";
    private static final ObjectMapper JSON = new ObjectMapper();

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

    private final String label;
    private final Process child;
    private final BufferedReader out;
    private final PrintStream in;
    private final Thread stopChild;

    private ForkedJvm(String label, Process child) {
        this.label = label;
        this.child = child;
        this.out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
        this.stopChild = new Thread(child::destroy);
        Runtime.getRuntime().addShutdownHook(stopChild);
    }

    /**
     * Starts a child JVM for one row ({@link Row#childArgs}) and returns once it has warmed up; it
     * then waits for {@link #run()} calls. Children are started one after the other, so no warm-up
     * competes with another for the CPU.
     */
    static ForkedJvm start(Class<?> main, List<String> args, String label) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(HEAP);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + CHILD + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        ForkedJvm jvm = new ForkedJvm(label, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        jvm.await(READY);
        return jvm;
    }

    /** One measured run in the child. */
    E2e.Outcome run() throws Exception {
        in.println("run");
        return JSON.readValue(await(MARK), E2e.Outcome.class);
    }

    /** Echoes the child's output until a line with {@code mark}; returns the rest of that line. */
    private String await(String mark) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(mark)) {
                return line.substring(mark.length());
            }
            System.out.println(line);
        }
        int exit = child.waitFor();
        throw new IllegalStateException("the child JVM running '" + label + "' exited with " + exit
                + " before it reported; its errors are above");
    }

    @Override
    public void close() throws InterruptedException {
        in.println("exit");
        in.close();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroy();
        }
        Runtime.getRuntime().removeShutdownHook(stopChild);
    }

    /**
     * In a child, after its warm-up: tells the parent it is ready, then runs once per {@code run}
     * line on standard input and hands each outcome back as one JSON line, until {@code exit}.
     */
    static void serve(Callable<E2e.Outcome> run) throws Exception {
        System.out.println(READY);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null && line.equals("run")) {
            System.out.println(MARK + JSON.writeValueAsString(run.call()));
        }
    }
}
