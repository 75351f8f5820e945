package org.wsiarchive.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The archive as `./archive.sh run` starts it: the launcher jar with its embedded PostgreSQL in a data directory and
 * WildFly with the EAR, on a port offset of its own, for tests of what only the real launcher path shows (restarts).
 */
final class LaunchedArchive implements AutoCloseable {

    private final Process process;
    private final String readyLine;

    private LaunchedArchive(Process process, String readyLine) {
        this.process = process;
        this.readyLine = readyLine;
    }

    /**
     * Starts the launcher and waits for its "Archive ready" line.
     *
     * @param dbPort the embedded PostgreSQL's port, 0 for a free one
     */
    static LaunchedArchive start(Path dataDir, int portOffset, int dbPort, int readySeconds) throws Exception {
        return start(dataDir, portOffset, dbPort, readySeconds, Map.of());
    }

    /**
     * Starts the launcher with further environment variables (e.g. ARCHIVE_OIDC_*), which override the defaults of
     * this helper (ARCHIVE_JAVA_OPTS included) and waits for its "Archive ready" line.
     */
    static LaunchedArchive start(Path dataDir, int portOffset, int dbPort, int readySeconds, Map<String, String> extraEnv)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("it.launcher.jar"),
                "--wildfly-home", System.getProperty("wildfly.home"), "--ear", System.getProperty("it.ear"))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("ARCHIVE_DATA_DIR", dataDir.toString());
        env.put("ARCHIVE_PORT_OFFSET", String.valueOf(portOffset));
        env.put("ARCHIVE_DB_PORT", String.valueOf(dbPort));
        env.put("ARCHIVE_JAVA_OPTS", "-Xmx768m");
        env.remove("ARCHIVE_DB_URL");
        env.keySet().removeIf(name -> name.startsWith("ARCHIVE_OIDC_")); // security off unless asked for
        env.putAll(extraEnv);
        Process p = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            StringBuilder tail = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("Archive ready")) ready.complete(line);
                    tail.append(line).append('\n');
                    if (tail.length() > 20000) tail.delete(0, tail.length() - 20000);
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new AssertionError("launcher ended before ready:\n" + tail));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            return new LaunchedArchive(p, ready.get(readySeconds, TimeUnit.SECONDS));
        } catch (Exception e) {
            kill(p);
            throw e;
        }
    }

    String readyLine() {
        return readyLine;
    }

    /**
     * SIGTERM, as Ctrl-C: the launcher stops WildFly, then PostgreSQL.
     *
     * @return whether it stopped by itself within {@code seconds} (otherwise it is killed)
     */
    boolean stop(int seconds) throws InterruptedException {
        if (!process.isAlive()) return true;
        process.destroy();
        if (process.waitFor(seconds, TimeUnit.SECONDS)) return true;
        kill(process);
        return false;
    }

    /** Kills whatever is left (a test that failed half way). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill(process);
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }
}
