package org.wsiarchive.core.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Optional;

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

    /**
     * Folder watched for proprietary slide files to convert (archive.ingest.watch-dir; the launcher sets
     * $ARCHIVE_DATA_DIR/incoming). Empty when not configured: no folder is watched.
     */
    public Optional<Path> ingestWatchDir() {
        String configured = System.getProperty("archive.ingest.watch-dir");
        return configured == null || configured.isBlank() ? Optional.empty() : Optional.of(Path.of(configured));
    }

    /**
     * Seconds a file in the watch folder must keep its size and modification time before it is taken: a copy
     * still in progress must not be converted half-written.
     */
    public int ingestWatchStableSeconds() {
        return intProperty("archive.ingest.watch-stable-seconds", 5, 0, 3600);
    }

    /**
     * Conversions running at once. Each one reads and writes a whole slide, so more than one or two only makes
     * them compete for the same disk (and the cores that serve requests).
     */
    public int ingestConcurrency() {
        return intProperty("archive.ingest.concurrency", 1, 1, 8);
    }

    /** Whether the source file of a successful conversion is kept beside its job (it always is after a failure). */
    public boolean ingestKeepSourceOnSuccess() {
        return Boolean.parseBoolean(System.getProperty("archive.ingest.keep-source", "true"));
    }

    /** Working area of the conversion jobs: <storage>/ingest/<job id>/{source,output}. */
    public Path ingestRoot() {
        return storageRoot().resolve("ingest");
    }

    private static int intProperty(String name, int defaultValue, int min, int max) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v.trim())));
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}
