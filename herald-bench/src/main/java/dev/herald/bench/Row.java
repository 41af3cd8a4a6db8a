package dev.herald.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One row of an {@code e2e} table: a variant on one Redis with its options, run in a child JVM of
 * its own ({@link ForkedJvm}) or in this one. Without {@code --cluster} each variant is a row,
 * named after it, or with several observers each Herald variant a row per observer
 * ({@link #variantRows}); with it, Herald's variant on one server and on a cluster, for one type
 * and for several ({@link #clusterRows}).
 *
 * @param label the row's name in the table
 * @param variant the variant, such as {@code herald}
 * @param uri the Redis it runs on
 * @param options the options of its runs
 */
record Row(String label, String variant, String uri, E2eOptions options) {

    /** Options a row sets for its child JVM, each with a value. */
    private static final Set<String> ROW_OPTIONS =
            Set.of("--variants", "--redis", "--types", "--publish-replicas", "--replicas", "--observe");
    /** Options of the parent alone, without a value. */
    private static final Set<String> PARENT_FLAGS = Set.of("--json", "--cluster");

    /** Herald's variants, which an observer can observe; the others are raw clients. */
    private static final Set<String> HERALD_VARIANTS = Set.of("herald", "herald_shared", "herald_streams");

    /**
     * A row per variant, on one Redis, named after it; with several observers ({@code --observe
     * none,otel}), a row per observer of each Herald variant, named {@code <variant> <observer>}
     * ({@link #observed}), and one of each raw client's, which nothing observes.
     */
    static List<Row> variantRows(E2eOptions options, String uri) {
        List<String> observers = options.observers();
        List<Row> rows = new ArrayList<>();
        for (String variant : options.variantsToRun()) {
            if (observers.size() == 1) {
                rows.add(new Row(variant, variant, uri, options));
            } else if (isHerald(variant)) {
                for (String observer : observers) {
                    rows.add(new Row(observed(variant, observer), variant, uri, options.observedBy(observer)));
                }
            } else {
                rows.add(new Row(variant, variant, uri, options.observedBy("none")));
            }
        }
        return rows;
    }

    /** The name of a Herald variant's row observed by one of several observers. */
    static String observed(String variant, String observer) {
        return variant + " " + observer;
    }

    static boolean isHerald(String variant) {
        return HERALD_VARIANTS.contains(variant);
    }

    /**
     * Herald's variant of the mode on the server and on the cluster, for one type and for
     * {@code --types} (8 unless more than 1 is given); with {@code --replicas} in Streams mode,
     * the cluster's rows again with the publisher waiting for a replica after each batch.
     */
    static List<Row> clusterRows(E2eOptions options, String server, String cluster) {
        String variant = options.heraldVariant();
        if (options.variants() != null && !options.variants().equals(List.of(variant))) {
            throw new IllegalArgumentException("--cluster measures Herald alone: --variants " + variant + " in " + options.mode()
                    + " mode, or no --variants");
        }
        int many = options.types() > 1 ? options.types() : Payloads.TYPES.size();
        List<Row> rows = new ArrayList<>();
        for (int types : List.of(1, many)) {
            rows.add(new Row("server, " + types(types), variant, server, options.with(types, 0)));
        }
        for (int types : List.of(1, many)) {
            rows.add(new Row("cluster, " + types(types), variant, cluster, options.with(types, 0)));
        }
        if (options.replicas() > 0 && options.mode().equals("streams")) {
            for (int types : List.of(1, many)) {
                rows.add(new Row("cluster, " + types(types) + ", WAIT " + options.replicas(), variant, cluster,
                        options.with(types, options.replicas())));
            }
        }
        return rows;
    }

    static String types(int n) {
        return n + (n == 1 ? " type" : " types");
    }

    /** The arguments of this row's child JVM: the parent's, with the row's variant, Redis, types, replicas and observer. */
    List<String> childArgs(String[] parentArgs) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < parentArgs.length; i++) {
            if (ROW_OPTIONS.contains(parentArgs[i])) {
                i++;
            } else if (!PARENT_FLAGS.contains(parentArgs[i])) {
                args.add(parentArgs[i]);
            }
        }
        args.addAll(List.of("--variants", variant, "--redis", uri, "--types", Integer.toString(options.types()), "--observe",
                options.observe()));
        if (options.publishReplicas() > 0) {
            args.addAll(List.of("--publish-replicas", Integer.toString(options.publishReplicas())));
        }
        return args;
    }
}
