package org.wsiarchive.core.lifecycle;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.store.InstanceIndexer;
import org.wsiarchive.core.storage.FileStorage;

import javax.sql.DataSource;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Brings the archive to a consistent state before it serves anything: the schema is migrated by Flyway (never by
 * Hibernate), then the storage is recovered from any crash (see FileStorage). Runs once, when the first module of
 * the application initialises its application scope; modules initialising at the same time wait until it is done.
 */
@ApplicationScoped
public class ArchiveStartup {

    private static final Logger LOG = Logger.getLogger(ArchiveStartup.class.getName());
    /** Guards the start: WildFly initialises the EAR's WARs in parallel, and none may run before the schema is there. */
    private static final Object LOCK = new Object();
    private static boolean started;

    @Resource(lookup = "java:jboss/datasources/ArchiveDS")
    DataSource dataSource;
    @Inject
    FileStorage storage;
    @Inject
    InstanceIndexer indexer;
    @Inject
    AuditService audit;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        synchronized (LOCK) {
            if (!started) {
                start();
                started = true;
            }
        }
    }

    private void start() {
        MigrateResult migration = Flyway.configure(ArchiveStartup.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info("schema at version " + migration.targetSchemaVersion + " (" + migration.migrationsExecuted
                + " migrations applied)");
        try {
            int removed = storage.recoverAfterCrash(indexer::isIndexed);
            LOG.info("storage at " + storage.root() + (removed > 0 ? ", removed " + removed + " incomplete files" : ""));
        } catch (IOException e) {
            throw new IllegalStateException("storage recovery failed at " + storage.root(), e);
        }
        audit.record(AuditAction.APPLICATION_START, AuditService.Outcome.SUCCESS, Requester.system(), null, null,
                "archive started; storage " + storage.root());
    }
}
