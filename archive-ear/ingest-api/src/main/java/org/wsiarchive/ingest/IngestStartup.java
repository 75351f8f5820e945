package org.wsiarchive.ingest;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.wsiarchive.core.ingest.ConversionJobService;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When this WAR starts: jobs interrupted by the last stop are settled (RUNNING → FAILED, QUEUED queued again),
 * then the watch folder is watched. The core migrates the schema when the first module of the EAR starts, and
 * WildFly starts the WARs in parallel, so this waits (in the background, without holding up the deployment) until
 * the conversion_job table exists.
 */
@ApplicationScoped
public class IngestStartup {

    private static final Logger LOG = Logger.getLogger(IngestStartup.class.getName());
    private static final int MAX_ATTEMPTS = 300;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService scheduler;
    @Inject
    ConversionJobService jobs;
    @Inject
    ConversionWorker worker;
    @Inject
    WatchFolder watchFolder;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        scheduler.execute(() -> attempt(1));
    }

    private void attempt(int n) {
        try {
            if (!jobs.ready()) {
                retry(n, null);
                return;
            }
            List<Long> queued = jobs.recoverAfterRestart();
            if (!queued.isEmpty()) {
                LOG.info("queuing " + queued.size() + " conversion jobs again: " + queued);
            }
            queued.forEach(worker::submit);
            watchFolder.start();
        } catch (RuntimeException e) {
            retry(n, e);
        }
    }

    private void retry(int n, RuntimeException e) {
        if (n >= MAX_ATTEMPTS) {
            LOG.log(Level.SEVERE, "conversion jobs not recovered and watch folder not started: schema not ready", e);
            return;
        }
        scheduler.schedule(() -> attempt(n + 1), 1, TimeUnit.SECONDS);
    }
}
