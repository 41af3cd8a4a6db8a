package dev.herald.internal.bus;

import java.util.concurrent.ThreadFactory;

/**
 * Where every thread a bus starts comes from: the bus's {@link ThreadFactory}, and the name Herald
 * gives the thread. Stateless.
 */
public final class BusThreads {

    /** The default factory: a daemon platform thread, as {@code new Thread(task)} makes it. */
    private static final ThreadFactory DAEMON_PLATFORM = new ThreadFactory() {
        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        }

        @Override
        public String toString() {
            return "Herald's daemon platform threads";
        }
    };

    private BusThreads() {
    }

    /**
     * The default thread factory: daemon platform threads.
     *
     * @return the factory
     */
    public static ThreadFactory daemonPlatform() {
        return DAEMON_PLATFORM;
    }

    /**
     * A new thread from the factory, named {@code name} where the thread allows renaming; not started.
     *
     * @throws IllegalStateException if the factory returns {@code null} (it rejected the request)
     */
    public static Thread newThread(ThreadFactory factory, String name, Runnable task) {
        Thread thread = factory.newThread(task);
        if (thread == null) {
            throw new IllegalStateException("the bus's thread factory " + factory + " returned no thread for '" + name
                    + "' (it rejected the request); a bus needs a thread for each worker, reader and timer");
        }
        try {
            thread.setName(name);
        } catch (SecurityException e) {
            // the factory's own name stays: a thread that may not be renamed still works
        }
        return thread;
    }
}
