package org.wsiarchive.core.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;

/**
 * The archive's settings, read from system properties (the launcher maps the ARCHIVE_* environment onto them; see
 * docs/configuration.md). One place, so every protocol adapter sees the same values.
 */
@ApplicationScoped
public class ArchiveConfiguration {

    /** Root of the instance files; under WildFly's data directory unless configured. */
    public Path storageRoot() {
        String configured = System.getProperty("archive.storage.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("jboss.server.data.dir", "archive-data"), "storage");
    }

    /** Whether a second copy of an existing SOP Instance UID with different content replaces the first. */
    public boolean allowOverwrite() {
        return Boolean.parseBoolean(System.getProperty("archive.storage.allow-overwrite", "false"));
    }

    /** Retrieve AE title shown in query results; the DIMSE adapter will use the same. */
    public String aeTitle() {
        return System.getProperty("archive.ae-title", "WSIARCHIVE");
    }
}
