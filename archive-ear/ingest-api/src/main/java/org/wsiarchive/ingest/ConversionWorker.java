package org.wsiarchive.ingest;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.wsiarchive.converter.ConversionOptions;
import org.wsiarchive.converter.ConversionResult;
import org.wsiarchive.converter.Converter;
import org.wsiarchive.converter.Progress;
import org.wsiarchive.converter.SlideMetadata;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.config.ArchiveConfiguration;
import org.wsiarchive.core.entity.ConversionJob;
import org.wsiarchive.core.ingest.ConversionJobService;
import org.wsiarchive.core.store.StoreResult;
import org.wsiarchive.core.store.StoreService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs conversion jobs, at most {@link ArchiveConfiguration#ingestConcurrency()} at once (a conversion reads and
 * writes a whole slide; more in parallel only makes them compete for the disk). Each job: the converter writes
 * the DICOM instances into the job's output folder, then every instance is stored through the core's
 * StoreService, exactly like an instance received over DICOMweb.
 *
 * <p>Progress: while converting, the converter's progress events (frames written of all frames of the slide) give
 * 0–50 %; while storing, the frames stored against all frames give 50–100 %. The converter reports every frame;
 * the job row is updated from the latest event once a second, not per frame.
 *
 * <p>A store that fails part-way leaves the instances stored before it in the archive (each is a complete,
 * valid instance; the core has no deletion yet) and the job FAILED with a reason that lists them.
 */
@ApplicationScoped
public class ConversionWorker {

    private static final Logger LOG = Logger.getLogger(ConversionWorker.class.getName());
    private static final long PROGRESS_INTERVAL_MS = 1000;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;
    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService scheduler;
    @Inject
    ConversionJobService jobs;
    @Inject
    StoreService store;
    @Inject
    ArchiveConfiguration configuration;

    private ThreadPoolExecutor pool;

    @PostConstruct
    void start() {
        int n = configuration.ingestConcurrency();
        // threads of the EE thread factory carry the application's naming context, so CDI, JPA and JTA work in them
        pool = new ThreadPoolExecutor(n, n, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    }

    @PreDestroy
    void stop() {
        // a conversion cut short here stays RUNNING and is marked FAILED at the next start
        pool.shutdownNow();
    }

    /**
     * The archive is stopping and this job was cut short: it stays RUNNING, and the next start marks it FAILED
     * as interrupted, instead of reporting the interruption as a fault of the slide.
     */
    private boolean stopping() {
        if (pool.isShutdown()) {
            LOG.info("conversion interrupted by the archive stopping");
            return true;
        }
        return false;
    }

    public void submit(long jobId) {
        pool.execute(() -> run(jobId));
    }

    void run(long id) {
        try {
            if (!jobs.start(id)) {
                return;
            }
            ConversionJob job = jobs.find(id).orElseThrow();
            convertAndStore(job);
        } catch (Throwable e) {
            if (stopping()) {
                return;
            }
            // whatever went wrong, the job must not stay RUNNING
            LOG.log(Level.SEVERE, "conversion job " + id + " failed unexpectedly", e);
            jobs.fail(id, "internal error: " + describe(e));
            if (e instanceof Error err && !(e instanceof OutOfMemoryError)) throw err;
        }
    }

    private void convertAndStore(ConversionJob job) {
        long id = job.getId();
        if (job.getSourcePath() == null || !Files.isRegularFile(Path.of(job.getSourcePath()))) {
            jobs.fail(id, "the source file is missing: " + job.getSourcePath());
            return;
        }
        Path source = Path.of(job.getSourcePath());
        SlideMetadata metadata;
        try {
            metadata = new SlideMetadata();
            JobJson.metadata(job.getMetadata()).forEach((k, v) -> metadata.set(k,
                    v instanceof jakarta.json.JsonString s ? s.getString() : v.toString()));
        } catch (RuntimeException e) {
            jobs.fail(id, "metadata not usable: " + describe(e));
            return;
        }

        Path output = jobs.outputDir(id);
        ConversionResult result;
        AtomicReference<Progress> converting = new AtomicReference<>();
        ScheduledFuture<?> monitor = scheduler.scheduleWithFixedDelay(() -> reportConversion(id, converting.get()),
                PROGRESS_INTERVAL_MS, PROGRESS_INTERVAL_MS, TimeUnit.MILLISECONDS);
        try {
            result = Converter.convert(source, output, metadata, ConversionOptions.defaults(), converting::set);
        } catch (IOException | RuntimeException e) {
            monitor.cancel(false);
            if (stopping()) {
                return;
            }
            LOG.log(Level.INFO, "conversion job " + id + ": " + source.getFileName() + " not converted", e);
            jobs.fail(id, "conversion of " + job.getSourceFileName() + " failed: " + describe(e));
            return;
        } finally {
            monitor.cancel(false);
        }
        storeAll(job, result);
    }

    private void storeAll(ConversionJob job, ConversionResult result) {
        long id = job.getId();
        Requester who = jobs.requester(job);
        List<ConversionResult.Instance> instances = result.instances();
        int framesTotal = instances.stream().mapToInt(ConversionResult.Instance::frames).sum();
        int framesStored = 0;
        List<String> storedUids = new ArrayList<>();
        List<String> storedNames = new ArrayList<>();
        jobs.stored(id, result.studyUid(), result.seriesUid(), 0, 0, framesTotal, 50,
                "storing " + instances.size() + " instances");
        for (ConversionResult.Instance instance : instances) {
            Path file = instance.file();
            StoreResult r = store.store(out -> Files.copy(file, out), who, null);
            if (!r.success()) {
                jobs.fail(id, "storing " + file.getFileName() + " (" + describe(instance) + ") failed: " + r.message()
                        + (storedNames.isEmpty() ? "; nothing was stored"
                        : "; " + storedNames.size() + " of " + instances.size() + " instances had been stored and are"
                        + " kept in series " + result.seriesUid() + ": " + String.join(", ", storedNames)));
                return;
            }
            storedUids.add(r.sopInstanceUid());
            storedNames.add(file.getFileName().toString());
            framesStored += instance.frames();
            int percent = 50 + (int) (50L * framesStored / Math.max(1, framesTotal));
            jobs.stored(id, result.studyUid(), result.seriesUid(), storedUids.size(), framesStored, framesTotal,
                    Math.min(99, percent), "stored " + storedUids.size() + " of " + instances.size() + " instances");
        }
        jobs.succeed(id, result.studyUid(), storedUids, summary(result, framesTotal));
    }

    private void reportConversion(long id, Progress p) {
        if (p == null) {
            return; // still reading the slide: nothing written yet
        }
        try {
            int percent = (int) Math.min(49, 50 * p.fraction());
            jobs.progress(id, percent, "converting: " + p.done() + " of " + p.total() + " frames written ("
                    + p.item() + ", " + (p.itemIndex() + 1) + " of " + p.itemCount() + " instances)");
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "progress of job " + id, e); // only progress; the next tick tries again
        }
    }

    static String summary(ConversionResult result, int frames) {
        long levels = result.instances().stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).count();
        List<String> associated = result.instances().stream().filter(i -> i.flavor() != ImageFlavor.VOLUME)
                .map(i -> i.flavor().name().toLowerCase(java.util.Locale.ROOT)).toList();
        StringBuilder sb = new StringBuilder("converted ").append(result.sourceFormat()).append(": ")
                .append(result.instances().size()).append(" instances stored (").append(levels).append(" levels")
                .append(associated.isEmpty() ? "" : ", " + String.join(", ", associated)).append("), ")
                .append(frames).append(" frames; ")
                .append(result.allPixelsPreserved() ? "lossless" : "NOT lossless (some images decoded from a lossy source)");
        for (String w : result.warnings()) {
            sb.append("; warning: ").append(w);
        }
        return sb.toString();
    }

    private static String describe(ConversionResult.Instance i) {
        return i.flavor() == ImageFlavor.VOLUME ? "level " + i.level() : i.flavor().name().toLowerCase(java.util.Locale.ROOT);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            Throwable c = e.getCause();
            return c != null && c != e ? describe(c) : e.getClass().getSimpleName();
        }
        return e instanceof IOException && !(e instanceof org.wsiarchive.converter.source.SourceException)
                ? e.getClass().getSimpleName() + ": " + m : m;
    }
}
