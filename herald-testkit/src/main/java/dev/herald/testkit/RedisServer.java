package dev.herald.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A real, throw-away {@code redis-server} process for tests: its own free port (never 6379) and
 * its own temporary directory, started from {@code redis-server} on the {@code PATH} or, where
 * there is none, from the binary shipped inside the Maven artifact
 * {@code com.github.codemonstur:embedded-redis} if the class path has it (herald-testkit's
 * dependency on it is optional: add it, at test scope, for this fallback). It can be stopped,
 * restarted on the same port, and killed with SIGKILL, and started with a password, ACL users or
 * TLS, or as a replica or a Sentinel of another.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.builder().password("s3cret").start()) {
 *     RedisClient client = RedisClient.create(redis.uri());   // redis://:s3cret@127.0.0.1:PORT
 *     ...
 *     redis.restart();                                       // same port, empty data
 * }
 * }</pre>
 *
 * <p>Nothing is persisted: the server runs with {@code save ""} and {@code appendonly no}, so a
 * restart starts empty, as after a crash of a cache. Thread-safe.
 */
public final class RedisServer implements AutoCloseable {

    /**
     * Overrides the binary (system property, or environment variable {@code HERALD_REDIS_SERVER}):
     * a path to a {@code redis-server} executable, or {@code embedded} for the one inside
     * embedded-redis even when there is one on the PATH.
     */
    public static final String BINARY_PROPERTY = "herald.redis-server";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final Path directory;
    private final int port;
    private final List<String> config;
    private final @Nullable String password;
    private final @Nullable TlsFiles tls;
    private final int tlsPort;
    /** The master this server watches as a Sentinel, or null for a plain server. */
    private final @Nullable String sentinelOf;
    private @Nullable Process process;
    /** Whether the process was suspended ({@link #suspend()}) and not resumed since. */
    private boolean suspended;

    private RedisServer(Builder b) throws IOException {
        this.binary = findBinary();
        this.directory = Files.createTempDirectory("herald-redis-");
        this.port = freePort();
        this.password = b.password;
        this.sentinelOf = b.sentinelMaster;
        List<String> lines = new ArrayList<>();
        lines.add("port " + port);
        lines.add("bind 127.0.0.1");
        if (b.sentinelMaster == null) {
            lines.add("save \"\"");
            lines.add("appendonly no");
        } else {
            lines.add("sentinel monitor " + b.sentinelMaster + " 127.0.0.1 " + b.sentinelMasterPort + " 1");
            lines.add("sentinel down-after-milliseconds " + b.sentinelMaster + " 1000");
            lines.add("sentinel failover-timeout " + b.sentinelMaster + " 10000");
        }
        lines.add("dir " + directory);
        lines.add("logfile " + directory.resolve("redis.log"));
        lines.add("daemonize no");
        if (b.password != null) {
            lines.add("requirepass " + b.password);
        }
        for (String user : b.users) {
            lines.add("user " + user);
        }
        if (b.tls) {
            this.tls = TlsFiles.create(directory);
            this.tlsPort = freePort();
            lines.add("tls-port " + tlsPort);
            lines.add("tls-cert-file " + tls.serverCert());
            lines.add("tls-key-file " + tls.serverKey());
            lines.add("tls-ca-cert-file " + tls.caCert());
            lines.add("tls-auth-clients no");
        } else {
            this.tls = null;
            this.tlsPort = 0;
        }
        lines.addAll(b.extraConfig);
        this.config = List.copyOf(lines);
        Files.write(directory.resolve("redis.conf"), config);
    }

    /**
     * A builder for a server with options.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a plain server: no password, no TLS.
     *
     * @return the running server
     */
    public static RedisServer start() {
        return builder().start();
    }

    /**
     * The port of the plain (non-TLS) listener.
     *
     * @return the port, never 6379
     */
    public int port() {
        return port;
    }

    /**
     * The port of the TLS listener.
     *
     * @return the port, or 0 without TLS
     */
    public int tlsPort() {
        return tlsPort;
    }

    /**
     * A URI for clients: {@code redis://[:password@]127.0.0.1:PORT}.
     *
     * @return the URI of the plain listener, with the password if there is one
     */
    public String uri() {
        return "redis://" + (password != null ? ":" + password + "@" : "") + "127.0.0.1:" + port;
    }

    /** The default user's password ({@code requirepass}), or null if there is none. */
    @Nullable String password() {
        return password;
    }

    /**
     * A URI for clients of the master this Sentinel watches:
     * {@code redis-sentinel://127.0.0.1:PORT#MASTER}.
     *
     * @return the URI, which Lettuce resolves to the current master through this Sentinel
     * @throws IllegalStateException if this server is not a Sentinel
     */
    public String sentinelUri() {
        if (sentinelOf == null) {
            throw new IllegalStateException("this server is not a Sentinel; use builder().sentinelOf(name, master)");
        }
        return "redis-sentinel://127.0.0.1:" + port + "#" + sentinelOf;
    }

    /**
     * A URI for TLS clients: {@code rediss://127.0.0.1:TLSPORT}; the certificate is self-signed, see
     * {@link #caCertificate()}.
     *
     * @return the URI of the TLS listener, with the password if there is one
     * @throws IllegalStateException without TLS
     */
    public String tlsUri() {
        if (tls == null) {
            throw new IllegalStateException("this server was started without TLS; use builder().tls()");
        }
        return "rediss://" + (password != null ? ":" + password + "@" : "") + "localhost:" + tlsPort;
    }

    /**
     * The PEM file of the certificate authority that signed the server's certificate.
     *
     * @return the path
     * @throws IllegalStateException without TLS
     */
    public Path caCertificate() {
        if (tls == null) {
            throw new IllegalStateException("this server was started without TLS; use builder().tls()");
        }
        return tls.caCert();
    }

    /**
     * The executable in use.
     *
     * @return the path of {@code redis-server}
     */
    public Path binary() {
        return binary;
    }

    /**
     * Whether the process is running.
     *
     * @return true if started and not stopped
     */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private synchronized RedisServer launch() {
        if (isRunning()) {
            return this;
        }
        try {
            List<String> command = new ArrayList<>(List.of(binary.toString(), directory.resolve("redis.conf").toString()));
            if (sentinelOf != null) {
                command.add("--sentinel");
            }
            Process p = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("stdout.log").toFile())
                    .start();
            process = p;
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            while (!answersPing()) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("redis-server " + binary + " exited with " + p.exitValue()
                            + " at start on port " + port + ": " + tail());
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("redis-server did not answer PING on port " + port + " within "
                            + STARTUP_TIMEOUT + ": " + tail());
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting redis-server", e);
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            return first == '+' || first == '-'; // +PONG, or -NOAUTH when a password is set: both mean up
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() {
        try {
            Path log = directory.resolve("redis.log");
            Path out = directory.resolve("stdout.log");
            String text = (Files.exists(log) ? Files.readString(log) : "") + (Files.exists(out) ? Files.readString(out) : "");
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Stops the server gracefully (SIGTERM) and waits for it; data is gone (nothing is saved).
     * Does nothing if it is not running. A suspended server is resumed first.
     */
    public synchronized void stop() {
        Process p = process;
        if (p != null && p.isAlive()) {
            resume();
            p.destroy();
            waitFor(p);
        }
        process = null;
        suspended = false;
    }

    /** Kills the server with SIGKILL, as a crash would, and waits for it to be gone. */
    public synchronized void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            waitFor(p);
        }
        process = null;
        suspended = false;
    }

    /**
     * Suspends the process with SIGSTOP, as a host that froze or a network partition would:
     * its connections stay open and nothing is answered, until {@link #resume()}. Needs
     * {@code kill} on the PATH.
     *
     * @throws IllegalStateException if it is not running, or the signal cannot be sent
     */
    public synchronized void suspend() {
        signal("-STOP");
        suspended = true;
    }

    /**
     * Resumes a process suspended by {@link #suspend()} (SIGCONT); does nothing otherwise.
     *
     * @throws IllegalStateException if the signal cannot be sent
     */
    public synchronized void resume() {
        if (suspended) {
            signal("-CONT");
            suspended = false;
        }
    }

    private void signal(String signal) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(this + " is not running: nothing to send " + signal + " to");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(p.pid())).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + p.pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill " + signal + " " + p.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + signal + " to " + this, e);
        }
    }

    /**
     * Starts the server again on the same port (after {@link #stop()} or {@link #kill()}, or
     * stopping it first if it runs).
     *
     * @return this server, running
     */
    public synchronized RedisServer restart() {
        stop();
        return launch();
    }

    /**
     * Starts the server again after a {@link #stop()} or {@link #kill()}, on the same port.
     *
     * @return this server, running
     */
    public RedisServer startAgain() {
        return launch();
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server and deletes its directory. */
    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    @Override
    public String toString() {
        return "RedisServer[127.0.0.1:" + port + (tls != null ? ", tls " + tlsPort : "") + ", " + binary + "]";
    }

    // ------------------------------------------------------------------ binary and ports

    /**
     * Whether the binary in use was built with TLS support (Debian's redis-server 7 and the
     * embedded-redis 6.2 linux-amd64 binary both are, as seen on our machines).
     *
     * @return true if {@code tls-port} works
     */
    public static boolean binarySupportsTls() {
        try {
            Path dir = Files.createTempDirectory("herald-redis-tls-probe-");
            Path conf = dir.resolve("probe.conf");
            Files.writeString(conf, "port 0\ntls-port " + freePort() + "\n");
            Process p = new ProcessBuilder(findBinary().toString(), conf.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
            Files.deleteIfExists(conf);
            Files.deleteIfExists(dir);
            // a TLS build gets as far as asking for its certificate; others reject the directive
            return out.contains("tls-cert-file");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Path findBinary() {
        String configured = System.getProperty(BINARY_PROPERTY, System.getenv("HERALD_REDIS_SERVER"));
        EmbeddedRedis embedded = EmbeddedRedis.onClassPath();
        if ("embedded".equals(configured)) {
            if (!embedded.present()) {
                throw new IllegalStateException(BINARY_PROPERTY + "=embedded, but embedded-redis is not on the class path; add "
                        + EmbeddedRedis.ARTIFACT);
            }
            return embedded.binary(platform()).orElseThrow(() -> new IllegalStateException(
                    BINARY_PROPERTY + "=embedded, but embedded-redis has no binary for " + platform()));
        }
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(BINARY_PROPERTY + " names " + path + ", which is not an executable file");
            }
            return path;
        }
        return onPath().orElseGet(() -> fallback(embedded, platform()));
    }

    /**
     * The binary inside embedded-redis, for want of one on the PATH.
     *
     * @param embedded where to look for it
     * @param platform the binary's name in embedded-redis
     * @return its path
     * @throws IllegalStateException saying what to install or add, if there is none
     */
    static Path fallback(EmbeddedRedis embedded, String platform) {
        if (!embedded.present()) {
            throw new IllegalStateException("no redis-server on the PATH and embedded-redis is not on the class path; "
                    + "install redis-server or add " + EmbeddedRedis.ARTIFACT);
        }
        return embedded.binary(platform).orElseThrow(() -> new IllegalStateException(
                "no redis-server on the PATH and embedded-redis has no binary for this platform (" + platform
                        + "); install redis-server"));
    }

    private static Optional<Path> onPath() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    }

    /** A free port on the loopback interface other than 6379 (another test's Redis or somebody's real one). */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                int p = socket.getLocalPort();
                if (p != 6379) {
                    return p;
                }
            }
        }
    }

    /** Options of a {@link RedisServer}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String password;
        private final List<String> users = new ArrayList<>();
        private final List<String> extraConfig = new ArrayList<>();
        private boolean tls;
        private @Nullable String sentinelMaster;
        private int sentinelMasterPort;

        private Builder() {
        }

        /**
         * Requires this password ({@code requirepass}) from the default user.
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Adds an ACL user, as a {@code user} line of redis.conf, e.g.
         * {@code aclUser("herald on >pw resetchannels ~herald:* &herald:* +@all")}.
         *
         * @param rule the user name and its ACL rules
         * @return this builder
         */
        public Builder aclUser(String rule) {
            users.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * Adds a TLS listener with a self-signed certificate made for this server (needs
         * {@code openssl} on the PATH and a redis-server built with TLS).
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Makes this server a Redis Sentinel ({@code redis-server --sentinel}) watching
         * {@code master} under the name {@code name}, with a quorum of 1, the master deemed down
         * after 1 s without an answer: a failover follows a master's death within seconds. Use
         * {@link RedisServer#sentinelUri()} to connect through it.
         *
         * @param name the master's name, such as {@code mymaster}
         * @param master the (plain) server to watch
         * @return this builder
         */
        public Builder sentinelOf(String name, RedisServer master) {
            this.sentinelMaster = Objects.requireNonNull(name, "name");
            this.sentinelMasterPort = master.port();
            return this;
        }

        /**
         * Makes this server a replica of {@code master} ({@code replicaof}).
         *
         * @param master the server to replicate
         * @return this builder
         */
        public Builder replicaOf(RedisServer master) {
            return config("replicaof 127.0.0.1 " + master.port());
        }

        /**
         * Adds a line of redis.conf.
         *
         * @param line for example {@code "client-output-buffer-limit pubsub 1mb 512kb 5"}
         * @return this builder
         */
        public Builder config(String line) {
            extraConfig.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        /**
         * Starts the server and waits until it answers.
         *
         * @return the running server
         */
        public RedisServer start() {
            try {
                return new RedisServer(this).launch();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare a redis-server", e);
            }
        }
    }

    /** The PEM files of a throw-away certificate authority and server certificate. */
    record TlsFiles(Path caCert, Path serverCert, Path serverKey) {

        static TlsFiles create(Path dir) throws IOException {
            Path caKey = dir.resolve("ca.key");
            Path caCert = dir.resolve("ca.crt");
            Path key = dir.resolve("server.key");
            Path csr = dir.resolve("server.csr");
            Path cert = dir.resolve("server.crt");
            Path ext = dir.resolve("server.ext");
            Files.writeString(ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=herald-test-ca",
                    "-keyout", caKey.toString(), "-out", caCert.toString());
            run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", key.toString(), "-out", csr.toString());
            run(dir, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
            return new TlsFiles(caCert, cert, key);
        }

        private static void run(Path dir, String... command) throws IOException {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException(String.join(" ", command) + " failed: " + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
