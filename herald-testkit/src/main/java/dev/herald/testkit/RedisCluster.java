package dev.herald.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A throw-away Redis Cluster for tests: masters and replicas as {@link RedisServer} processes on
 * free ports (never 6379), each with {@code cluster-enabled yes}, its own {@code nodes.conf} in its
 * own temporary directory and nothing persisted. The nodes are joined with {@code CLUSTER MEET},
 * {@code CLUSTER ADDSLOTS} and {@code CLUSTER REPLICATE} over a plain socket (so no
 * {@code redis-cli} is needed, and Redis 6.2 from embedded-redis works too); {@code start()}
 * returns once every node reports {@code cluster_state:ok}, every node agrees on who serves each
 * slot and every replica is in sync.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
 *     RedisClusterClient client = RedisClusterClient.create(cluster.uris());
 *     ...
 *     cluster.killMaster(cluster.masterOf("orders"));   // returns once a replica took over
 * }
 * }</pre>
 *
 * <p>With {@link Builder#password(String)} every node requires the password (and the replicas
 * use it with their masters); {@link Builder#aclUser(String)} adds an ACL user to every node.
 *
 * <p>The nodes use a {@code cluster-node-timeout} of 1 s, so a killed master is replaced within
 * a few seconds. Every wait is bounded and fails with a message that shows each node's view.
 * Thread-safe: the methods that change the cluster are serialized.
 */
public final class RedisCluster implements AutoCloseable {

    /** The number of hash slots of Redis Cluster. */
    public static final int SLOTS = 16384;

    private static final Duration NODE_TIMEOUT = Duration.ofMillis(1000);
    private static final int MIGRATE_BATCH = 100;
    /** Ports a node is started on at most, for one whose cluster bus port is free. */
    private static final int BUS_PORT_ATTEMPTS = 5;

    private final List<RedisServer> nodes;
    private final Duration timeout;
    private boolean closed;

    private RedisCluster(List<RedisServer> nodes, Duration timeout) {
        this.nodes = List.copyOf(nodes);
        this.timeout = timeout;
    }

    /**
     * A builder: 3 masters, no replicas, no password, a 30 s bound on every wait.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(3, 0, Duration.ofSeconds(30), null, List.of());
    }

    /**
     * The URIs of every node, masters and replicas, as {@code redis://[:password@]127.0.0.1:PORT}
     * (with the {@linkplain Builder#password(String) password}, if there is one).
     *
     * @return one URI per node, in start order, killed nodes included
     */
    public List<String> uris() {
        return nodes.stream().map(RedisServer::uri).toList();
    }

    /**
     * A {@code redis-cluster://} URI naming every node as a seed, as Herald's Redis bus takes it
     * ({@code RedisEventBus.builder(String)}, {@code RedisCleanup}):
     * {@code redis-cluster://[:password@]127.0.0.1:p1,127.0.0.1:p2,...}.
     *
     * @return the URI, masters and replicas in start order, killed nodes included, with the
     *     default user's password if there is one
     */
    public String clusterUri() {
        String password = nodes.get(0).password();
        return password == null ? "redis-cluster://" + seeds() : clusterUri("", password);
    }

    /**
     * A {@code redis-cluster://} URI as {@link #clusterUri()}, with other credentials:
     * {@code redis-cluster://user:password@127.0.0.1:p1,...}, for an {@linkplain Builder#aclUser(String) ACL user}
     * (or a wrong password).
     *
     * @param user the user name; empty for the default user
     * @param password the password
     * @return the URI
     */
    public String clusterUri(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        return "redis-cluster://" + user + ":" + password + "@" + seeds();
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...}, every node. */
    private String seeds() {
        return String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList());
    }

    /**
     * Every node, in start order: first the masters, then their replicas, killed nodes included.
     *
     * @return the nodes
     */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * The running nodes that are masters now (after a failover, a former replica is one).
     *
     * @return the masters, in start order
     */
    public synchronized List<RedisServer> masters() {
        return running().stream().filter(RedisCluster::isMaster).toList();
    }

    /**
     * The running nodes that are replicas now.
     *
     * @return the replicas, in start order
     */
    public synchronized List<RedisServer> replicas() {
        return running().stream().filter(n -> !isMaster(n)).toList();
    }

    /**
     * The hash slot of a key ({@code CLUSTER KEYSLOT}).
     *
     * @param key the key; a hash tag {@code {...}} counts as in Redis
     * @return the slot, 0 to 16383
     */
    public int slotOf(String key) {
        Objects.requireNonNull(key, "key");
        return (int) (long) (Long) Objects.requireNonNull(Resp.call(anyRunning(), "CLUSTER", "KEYSLOT", key));
    }

    /**
     * The master that serves a key now, as a running node sees it ({@code CLUSTER SLOTS}).
     *
     * @param key the key
     * @return the master
     */
    public synchronized RedisServer masterOf(String key) {
        return ownerOf(slotOf(key));
    }

    /**
     * The master that serves a slot now.
     *
     * @param slot the slot, 0 to 16383
     * @return the master
     */
    public synchronized RedisServer ownerOf(int slot) {
        checkSlot(slot);
        return byPort(slotOwners(anyRunning()).getOrDefault(slot, -1));
    }

    /**
     * Kills a master with SIGKILL, as a crash would, and waits until one of its replicas has been
     * promoted and every running node agrees on the slots again with {@code cluster_state:ok}.
     *
     * @param master a running master with at least one replica
     * @return the replica that took over
     * @throws IllegalArgumentException if {@code master} is not a running master of this cluster or has no replica
     * @throws IllegalStateException if no replica takes over within the timeout
     */
    public synchronized RedisServer killMaster(RedisServer master) {
        requireNode(master, "master");
        if (!master.isRunning() || !isMaster(master)) {
            throw new IllegalArgumentException(master + " is not a running master of this cluster");
        }
        String id = myId(master);
        List<RedisServer> candidates = running().stream().filter(n -> id.equals(masterIdOf(n))).toList();
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException(master + " has no replica to take over; use replicasPerMaster(1) or more");
        }
        master.kill();
        await("a replica of " + master + " (" + candidates + ") to be promoted", () -> {
            for (RedisServer c : candidates) {
                if (isMaster(c)) {
                    return true;
                }
            }
            return false;
        });
        awaitSettled();
        return candidates.stream().filter(RedisCluster::isMaster).findFirst().orElseThrow();
    }

    /**
     * Makes a replica take over from its master ({@code CLUSTER FAILOVER}, a coordinated manual
     * failover that loses nothing) and waits until it is a master and every node agrees.
     *
     * @param replica a running replica of this cluster
     * @throws IllegalArgumentException if {@code replica} is not a running replica of this cluster
     * @throws IllegalStateException if it is not promoted within the timeout
     */
    public synchronized void failover(RedisServer replica) {
        requireNode(replica, "replica");
        if (!replica.isRunning() || isMaster(replica)) {
            throw new IllegalArgumentException(replica + " is not a running replica of this cluster");
        }
        Resp.call(replica, "CLUSTER", "FAILOVER");
        await(replica + " to be promoted by CLUSTER FAILOVER", () -> isMaster(replica));
        awaitSettled();
    }

    /**
     * Moves a slot, with its keys, to another master: {@code CLUSTER SETSLOT IMPORTING} and
     * {@code MIGRATING}, {@code MIGRATE} of the keys in batches of {@value #MIGRATE_BATCH}, then
     * {@code CLUSTER SETSLOT NODE} on every master; waits until every node agrees. Clients that
     * ask the former owner get {@code -MOVED}.
     *
     * @param slot the slot, 0 to 16383
     * @param to a running master of this cluster; if it serves the slot already, nothing happens
     * @throws IllegalArgumentException if {@code to} is not a running master of this cluster
     */
    public synchronized void moveSlot(int slot, RedisServer to) {
        checkSlot(slot);
        requireNode(to, "to");
        if (!to.isRunning() || !isMaster(to)) {
            throw new IllegalArgumentException(to + " is not a running master of this cluster");
        }
        RedisServer from = ownerOf(slot);
        if (from.equals(to)) {
            return;
        }
        String s = Integer.toString(slot);
        String fromId = myId(from);
        String toId = myId(to);
        Resp.call(to, "CLUSTER", "SETSLOT", s, "IMPORTING", fromId);
        Resp.call(from, "CLUSTER", "SETSLOT", s, "MIGRATING", toId);
        while (true) {
            @SuppressWarnings("unchecked")
            List<String> keys = (List<String>) Objects.requireNonNull(
                    Resp.call(from, "CLUSTER", "GETKEYSINSLOT", s, Integer.toString(MIGRATE_BATCH)));
            if (keys.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0",
                    "5000"));
            String password = to.password();
            if (password != null) {
                migrate.addAll(List.of("AUTH", password));
            }
            migrate.add("KEYS");
            migrate.addAll(keys);
            Resp.call(from, migrate.toArray(String[]::new));
        }
        Resp.call(to, "CLUSTER", "SETSLOT", s, "NODE", toId);
        Resp.call(from, "CLUSTER", "SETSLOT", s, "NODE", toId);
        for (RedisServer m : masters()) {
            if (!m.equals(to) && !m.equals(from)) {
                Resp.call(m, "CLUSTER", "SETSLOT", s, "NODE", toId);
            }
        }
        await("every node to see slot " + slot + " served by " + to,
                () -> running().stream().allMatch(n -> slotOwners(n).getOrDefault(slot, -1) == to.port()));
        awaitSettled();
    }

    /** Stops every node and deletes their directories; does nothing the second time. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RedisServer n : nodes) {
            n.close();
        }
    }

    @Override
    public String toString() {
        return "RedisCluster" + nodes.stream().map(n -> n.port() + (n.isRunning() ? "" : " (down)")).toList();
    }

    // ------------------------------------------------------------------ start

    private static RedisCluster launch(Builder b) {
        List<RedisServer> started = new ArrayList<>();
        try {
            int total = b.masters * (1 + b.replicasPerMaster);
            for (int i = 0; i < total; i++) {
                started.add(startNode(b));
            }
            RedisCluster cluster = new RedisCluster(started, b.timeout);
            cluster.join(b.masters, b.replicasPerMaster);
            return cluster;
        } catch (RuntimeException e) {
            for (RedisServer n : started) {
                n.close();
            }
            throw e;
        }
    }

    /**
     * Starts a node; on other ports if its cluster bus port, its port + 10000, which nobody
     * checked, is taken (by another program, or a client's ephemeral port) or out of range.
     */
    private static RedisServer startNode(Builder b) {
        for (int attempt = 1; ; attempt++) {
            try {
                RedisServer.Builder node = RedisServer.builder()
                        .config("cluster-enabled yes")
                        .config("cluster-config-file nodes.conf")
                        .config("cluster-node-timeout " + NODE_TIMEOUT.toMillis())
                        .config("cluster-replica-validity-factor 0")
                        .config("cluster-allow-replica-migration no")
                        .config("repl-diskless-sync-delay 0");
                if (b.password() != null) {
                    node.password(b.password()).config("masterauth " + b.password()); // a replica authenticates to its master
                }
                b.aclUsers().forEach(node::aclUser);
                return node.start();
            } catch (IllegalStateException e) {
                String message = String.valueOf(e.getMessage());
                if (attempt >= BUS_PORT_ATTEMPTS || !message.contains("(cluster)") && !message.contains("cluster bus")) {
                    throw e;
                }
            }
        }
    }

    private void join(int masterCount, int replicasPerMaster) {
        List<RedisServer> masters = nodes.subList(0, masterCount);
        for (int i = 0; i < masterCount; i++) {
            RedisServer m = masters.get(i);
            int first = SLOTS * i / masterCount;
            int last = SLOTS * (i + 1) / masterCount - 1;
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = first; slot <= last; slot++) {
                command.add(Integer.toString(slot));
            }
            Resp.call(m, command.toArray(String[]::new));
            Resp.call(m, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        }
        RedisServer seed = nodes.get(0);
        for (RedisServer n : nodes.subList(1, nodes.size())) {
            Resp.call(n, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(seed.port()));
        }
        await("every node to know all " + nodes.size() + " nodes",
                () -> nodes.stream().allMatch(n -> clusterNodes(n).size() == nodes.size()));
        for (int i = 0; i < masterCount * replicasPerMaster; i++) {
            RedisServer replica = nodes.get(masterCount + i);
            String masterId = myId(masters.get(i % masterCount));
            Resp.call(replica, "CLUSTER", "REPLICATE", masterId);
        }
        await("every replica to be in sync with its master", () -> nodes.subList(masterCount, nodes.size()).stream()
                .allMatch(r -> Resp.string(r, "INFO", "replication").contains("master_link_status:up")));
        awaitSettled();
    }

    // ------------------------------------------------------------------ views of the cluster

    /** Waits until every running node says cluster_state:ok and all see the same owner of every slot. */
    private void awaitSettled() {
        await("every running node to report cluster_state:ok and agree on the slots", () -> {
            Map<Integer, Integer> first = null;
            for (RedisServer n : running()) {
                if (!Resp.string(n, "CLUSTER", "INFO").contains("cluster_state:ok")) {
                    return false;
                }
                Map<Integer, Integer> owners = slotOwners(n);
                if (owners.size() != SLOTS || (first != null && !first.equals(owners))) {
                    return false;
                }
                first = owners;
            }
            return true;
        }, () -> running().stream().map(n -> n.port() + ": " + Resp.string(n, "CLUSTER", "NODES"))
                .toList().toString());
    }

    /** Slot to the port of its master, as one node sees it (CLUSTER SLOTS). */
    private static Map<Integer, Integer> slotOwners(RedisServer node) {
        Map<Integer, Integer> owners = new TreeMap<>();
        List<?> ranges = (List<?>) Objects.requireNonNull(Resp.call(node, "CLUSTER", "SLOTS"));
        for (Object r : ranges) {
            List<?> range = (List<?>) r;
            int start = (int) (long) (Long) range.get(0);
            int end = (int) (long) (Long) range.get(1);
            int port = (int) (long) (Long) ((List<?>) range.get(2)).get(1);
            for (int s = start; s <= end; s++) {
                owners.put(s, port);
            }
        }
        return owners;
    }

    /** The lines of CLUSTER NODES, by node id. */
    private static Map<String, String> clusterNodes(RedisServer node) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : Resp.string(node, "CLUSTER", "NODES").split("\n")) {
            if (!line.isBlank()) {
                lines.put(line.substring(0, line.indexOf(' ')), line.strip());
            }
        }
        return lines;
    }

    private static String myId(RedisServer node) {
        return Resp.string(node, "CLUSTER", "MYID");
    }

    private static boolean isMaster(RedisServer node) {
        List<?> role = (List<?>) Objects.requireNonNull(Resp.call(node, "ROLE"));
        return "master".equals(role.get(0));
    }

    /** The id of the master a node replicates, as it sees itself, or null for a master. */
    private static @Nullable String masterIdOf(RedisServer node) {
        for (String line : clusterNodes(node).values()) {
            String[] fields = line.split(" ");
            if (fields[2].contains("myself")) {
                return "-".equals(fields[3]) ? null : fields[3];
            }
        }
        throw new IllegalStateException("CLUSTER NODES of " + node + " has no line flagged myself");
    }

    private List<RedisServer> running() {
        return nodes.stream().filter(RedisServer::isRunning).toList();
    }

    private RedisServer anyRunning() {
        return nodes.stream().filter(RedisServer::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of " + this + " is running"));
    }

    private RedisServer byPort(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of " + this + " has port " + port));
    }

    private void requireNode(RedisServer node, String name) {
        Objects.requireNonNull(node, name);
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException(name + " " + node + " is not a node of " + this);
        }
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot must be 0 to " + (SLOTS - 1) + ", was " + slot);
        }
    }

    private void await(String what, Supplier<Boolean> condition) {
        await(what, condition, this::toString);
    }

    private void await(String what, Supplier<Boolean> condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (RuntimeException e) { // a node still starting, or a reply in transition
                last = e;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        String view;
        try {
            view = state.get();
        } catch (RuntimeException e) {
            view = "(no view: " + e + ")";
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what
                + (last != null ? " (last error: " + last + ")" : "") + "; nodes: " + view, last);
    }

    /**
     * Options of a {@link RedisCluster}; immutable, each method returns a new builder. Thread-safe.
     *
     * @param masters the number of masters
     * @param replicasPerMaster the number of replicas of each master
     * @param timeout the bound on every wait
     * @param password the default user's password on every node, or null for none
     * @param aclUsers ACL users on every node, as {@code user} lines of redis.conf
     */
    public record Builder(int masters, int replicasPerMaster, Duration timeout, @Nullable String password, List<String> aclUsers) {

        /** Checks the options. */
        public Builder {
            if (masters < 1) {
                throw new IllegalArgumentException("masters must be at least 1, was " + masters);
            }
            if (replicasPerMaster < 0) {
                throw new IllegalArgumentException("replicasPerMaster must be 0 or more, was " + replicasPerMaster);
            }
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            if (password != null && (password.isEmpty() || password.chars().anyMatch(Character::isWhitespace))) {
                throw new IllegalArgumentException("password must be non-empty without spaces, to stand in redis.conf");
            }
            aclUsers = List.copyOf(aclUsers);
        }

        /**
         * The number of masters; the slots are split evenly between them.
         *
         * @param count at least 1
         * @return a new builder
         */
        public Builder masters(int count) {
            return new Builder(count, replicasPerMaster, timeout, password, aclUsers);
        }

        /**
         * The number of replicas of each master.
         *
         * @param count 0 or more
         * @return a new builder
         */
        public Builder replicasPerMaster(int count) {
            return new Builder(masters, count, timeout, password, aclUsers);
        }

        /**
         * The bound on every wait: start, failover, slot moves.
         *
         * @param bound positive
         * @return a new builder
         */
        public Builder timeout(Duration bound) {
            return new Builder(masters, replicasPerMaster, bound, password, aclUsers);
        }

        /**
         * Requires this password from the default user on every node ({@code requirepass}); the
         * replicas authenticate to their masters with it ({@code masterauth}), and the cluster's
         * own commands here send it. {@link #uris()} and {@link #clusterUri()} carry it.
         *
         * @param secret non-empty, without spaces
         * @return a new builder
         */
        public Builder password(String secret) {
            return new Builder(masters, replicasPerMaster, timeout, Objects.requireNonNull(secret, "password"), aclUsers);
        }

        /**
         * Adds an ACL user on every node, as a {@code user} line of redis.conf, e.g.
         * {@code aclUser("herald on >pw resetchannels ~herald:* &herald:* +@all")}; connect as it
         * with {@link #clusterUri(String, String)}.
         *
         * @param rule the user name and its ACL rules
         * @return a new builder
         */
        public Builder aclUser(String rule) {
            List<String> users = new ArrayList<>(aclUsers);
            users.add(Objects.requireNonNull(rule, "rule"));
            return new Builder(masters, replicasPerMaster, timeout, password, users);
        }

        /**
         * Starts the nodes, joins them and waits until the cluster is ok.
         *
         * @return the running cluster
         * @throws IllegalStateException if it is not ok within the timeout (the nodes are stopped)
         */
        public RedisCluster start() {
            return launch(this);
        }
    }
}
