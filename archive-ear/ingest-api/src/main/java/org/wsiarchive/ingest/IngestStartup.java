package org.wsiarchive.ingest;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.wsiarchive.core.ingest.ConversionJobService;

import java.util.List;
import java.util.logging.Logger;

/**
 * When this WAR starts: jobs interrupted by the last stop are settled (RUNNING → FAILED, QUEUED queued again),
 * then the watch folder is watched. Runs after the core's start-up observer (later priority; the EAR also
 * initialises its modules in order), so the schema is migrated by then.
 */
@ApplicationScoped
public class IngestStartup {

    private static final Logger LOG = Logger.getLogger(IngestStartup.class.getName());

    @Inject
    ConversionJobService jobs;
    @Inject
    ConversionWorker worker;
    @Inject
    WatchFolder watchFolder;

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) @Initialized(ApplicationScoped.class)
                 Object ignored) {
        List<Long> queued = jobs.recoverAfterRestart();
        if (!queued.isEmpty()) {
            LOG.info("queuing " + queued.size() + " conversion jobs again: " + queued);
        }
        queued.forEach(worker::submit);
        watchFolder.start();
    }
}
