package org.wsiarchive.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.wsiarchive.launcher.EmbeddedDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.*;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Prepares what the managed WildFly of the integration tests needs before Arquillian starts it: a real
 * PostgreSQL (embedded, in this JVM, on the port arquillian.xml passes to the server), a fresh work directory
 * holding the server's base directory (a copy of the built server's configuration) and the archive's storage.
 */
public class ItEnvironment implements LauncherSessionListener {

    private static EmbeddedDatabase database;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (System.getProperty("it.work.dir") == null) {
            return; // not the failsafe run (e.g. an IDE running a single unit test)
        }
        // Arquillian reads the management port from this property (arquillian.xml)
        System.setProperty("it.management.port", String.valueOf(9990 + Integer.getInteger("it.port.offset", 0)));
        try {
            Path work = workDir();
            deleteRecursively(work);
            Path base = Files.createDirectories(work.resolve("wildfly"));
            copyRecursively(Path.of(System.getProperty("wildfly.home"), "standalone", "configuration"),
                    base.resolve("configuration"));
            Files.createDirectories(base.resolve("deployments"));
            Files.createDirectories(work.resolve("storage"));
            database = EmbeddedDatabase.start(work.resolve("postgres"), Integer.getInteger("it.db.port"));
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("integration-test environment not ready: " + e, e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (database != null) {
            try {
                database.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Path workDir() {
        return Path.of(System.getProperty("it.work.dir"));
    }

    static Path storageDir() {
        return workDir().resolve("storage");
    }

    /** A connection to the archive's database, for checks the HTTP interface cannot make (audit, file counts). */
    static Connection archiveDatabase() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + Integer.getInteger("it.db.port") + "/archive",
                EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }

    /** A port free on loopback now, for a server a test starts (e.g. the embedded PostgreSQL of a launched archive). */
    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
