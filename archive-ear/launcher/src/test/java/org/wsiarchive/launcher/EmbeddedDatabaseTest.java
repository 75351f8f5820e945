package org.wsiarchive.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddedDatabaseTest {

    @TempDir
    Path tmp;

    @Test
    void dataSurvivesARestartOnTheSameDirectory() throws Exception {
        Path dataDir = tmp.resolve("postgres");

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, 0)) {
            assertTrue(db.jdbcUrl().matches("jdbc:postgresql://localhost:\\d+/archive"), db.jdbcUrl());
            assertEquals("archive", db.user());
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                 Statement st = c.createStatement()) {
                st.execute("CREATE TABLE study (uid VARCHAR(64) PRIMARY KEY, description TEXT)");
                st.execute("INSERT INTO study VALUES ('1.2.3.4', 'kept across restarts')");
                try (ResultSet rs = st.executeQuery("SELECT current_user, pg_get_userbyid(datdba) FROM pg_database"
                        + " WHERE datname = current_database()")) {
                    assertTrue(rs.next());
                    assertEquals("archive", rs.getString(1));
                    assertEquals("archive", rs.getString(2), "database owner");
                }
            }
        }
        assertTrue(Files.exists(dataDir.resolve("PG_VERSION")), "data directory kept after stop");
        assertFalse(Files.exists(dataDir.resolve("postmaster.pid")), "server stopped");

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir, 0);
             Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT uid, description FROM study")) {
            assertTrue(rs.next(), "row still there after restart");
            assertEquals("1.2.3.4", rs.getString(1));
            assertEquals("kept across restarts", rs.getString(2));
            assertFalse(rs.next());
        }
    }
}
