package io.servingmonitor.launcher;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code serving-monitor standalone|ingest|query [options]} runs that
 * {@link Role} until Ctrl-C / SIGTERM, then shuts everything down cleanly (bad options: a message
 * and exit 2; a failed start: a message and exit 1); {@code serving-monitor hash-secret} prints the
 * salted hash of a secret key read from standard input ({@link HashSecretCommand});
 * {@code --version} (alone or after a role) prints {@code serving-monitor <version>} and exits 0.
 *
 * <p>Logging is set up ({@link LogSetup}) from the parsed options before anything logs: every
 * line of a run is in the chosen format, the first one naming the version.
 */
public final class ServingMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(ServingMonitor.class);

    private ServingMonitor() {
    }

    public static void main(String[] args) throws InterruptedException, java.io.IOException {
        if (args.length > 0 && args[0].equals("hash-secret")) {
            System.exit(HashSecretCommand.run(Arrays.asList(args).subList(1, args.length), System.in, System.out, System.err));
            return;
        }
        if (Arrays.asList(args).contains(LauncherOptions.VERSION_FLAG)) {
            System.out.println(Version.line());
            System.exit(0);
            return;
        }
        Role role = args.length == 0 ? null : Role.byCommand(args[0]).orElse(null);
        if (role == null) {
            System.err.println(LauncherOptions.USAGE);
            System.exit(2);
            return;
        }
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(role, Arrays.asList(args).subList(1, args.length), System.getenv());
            LogSetup.apply(options.logFormat(), options.logLevel());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }

        LOG.info("{} starting: {} (Java {})", Version.line(), role.command(), Runtime.version());
        AtomicReference<AutoCloseable> started = new AtomicReference<>();
        CountDownLatch startDone = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before the start: a SIGTERM right after the ready line, or during the start, still
        // stops cleanly (it waits for the start to end, then stops what it started).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean failedStart = startDone.getCount() == 0 && started.get() == null;
            if (!failedStart) {
                LOG.info("serving-monitor shutting down");
            }
            try {
                startDone.await();
                AutoCloseable app = started.get();
                if (app != null) {
                    app.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
            stopped.countDown();
        }, "shutdown"));
        try {
            started.set(role == Role.STANDALONE
                    ? StandaloneApp.start(options, Clock.systemUTC(), System.out)
                    : ServingNode.start(options, Clock.systemUTC(), System.out));
        } catch (Exception e) {
            LOG.debug("start-up failed", e);
            LOG.error("serving-monitor could not start: {}", rootMessage(e));
            startDone.countDown();
            System.exit(1);
            return;
        } finally {
            startDone.countDown();
        }
        stopped.await();
    }

    /** The most specific message of a start-up failure, for a user (not a stack trace). */
    static String rootMessage(Throwable e) {
        List<String> messages = new java.util.ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                messages.add(t.getMessage());
            }
        }
        return messages.isEmpty() ? e.toString() : messages.get(0);
    }
}
