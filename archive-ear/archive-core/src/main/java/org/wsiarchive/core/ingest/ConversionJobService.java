package org.wsiarchive.core.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.config.ArchiveConfiguration;
import org.wsiarchive.core.entity.ConversionJob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Conversion jobs: a proprietary slide accepted for conversion (uploaded or found in the watch folder), its
 * progress, and its outcome. Every job has a folder <storage>/ingest/<id>/ with the kept source file in source/
 * and the converter's output in output/ while it runs. The conversion itself happens where the converter is on
 * the class path (the ingest adapter); this service owns the rows, the folders and the audit records.
 */
@ApplicationScoped
public class ConversionJobService {

    private static final Logger LOG = Logger.getLogger(ConversionJobService.class.getName());

    /** Protocol of the requester of instances stored by a conversion (audit trail). */
    public static final String INGEST_PROTOCOL = "INGEST";

    @Inject
    ConversionJobRepository jobs;
    @Inject
    AuditService audit;
    @Inject
    ArchiveConfiguration configuration;

    /** The folder of one job. */
    public Path jobDir(long id) {
        return configuration.ingestRoot().resolve(Long.toString(id));
    }

    public Path sourceDir(long id) {
        return jobDir(id).resolve("source");
    }

    /** Where the converter writes; removed when the job finishes, whatever the outcome. */
    public Path outputDir(long id) {
        return jobDir(id).resolve("output");
    }

    /** Area for uploads still streaming in (a job exists only once its whole file is on disk). */
    public Path receivingDir() throws IOException {
        return Files.createDirectories(configuration.ingestRoot().resolve("receiving"));
    }

    /**
     * Creates a QUEUED job whose source file {@code placement} moves into {@link #sourceDir}/fileName; nothing is
     * created when the placement fails.
     */
    public ConversionJob create(ConversionJob.Origin origin, String fileName, String metadataJson, Requester who,
                                ConversionJobRepository.SourcePlacement placement) {
        ConversionJob job = jobs.insert(new ConversionJob(origin, fileName, metadataJson, who.protocol(), who.userId(),
                who.remoteHost()), id -> sourceDir(id).resolve(fileName).toString(), placement);
        audit.record(AuditAction.CONVERSION_JOB_CREATED, AuditService.Outcome.SUCCESS, who, null, null,
                "conversion job " + job.getId() + " (" + origin + "): " + fileName + ", " + job.getSourceSize()
                        + " bytes, metadata " + metadataJson);
        return job;
    }

    public Optional<ConversionJob> find(long id) {
        return jobs.find(id);
    }

    public List<ConversionJob> list(ConversionJob.Status status, int max) {
        return jobs.list(status, max);
    }

    /** The requester on whose behalf the job's instances are stored. */
    public Requester requester(ConversionJob job) {
        return new Requester(INGEST_PROTOCOL, job.getRequesterUser(), job.getRequesterHost());
    }

    public boolean start(long id) {
        return jobs.markRunning(id);
    }

    public void progress(long id, int percent, String message) {
        jobs.progress(id, percent, message);
    }

    public void stored(long id, String studyUid, String seriesUid, int instanceCount, int framesStored,
                       int framesTotal, int percent, String message) {
        jobs.stored(id, studyUid, seriesUid, instanceCount, framesStored, framesTotal, percent, message);
    }

    /** All instances stored: SUCCEEDED; the output folder goes, the source stays unless configured otherwise. */
    public void succeed(long id, String studyUid, Collection<String> sopInstanceUids, String summary) {
        removeOutput(id);
        if (!jobs.finish(id, ConversionJob.Status.SUCCEEDED, summary)) {
            return;
        }
        ConversionJob job = jobs.find(id).orElseThrow();
        if (!configuration.ingestKeepSourceOnSuccess()) {
            try {
                deleteTree(sourceDir(id));
                jobs.forgetSource(id);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "source of conversion job " + id + " not removed", e);
            }
        }
        audit.record(AuditAction.CONVERSION_SUCCEEDED, AuditService.Outcome.SUCCESS, requester(job), studyUid,
                List.copyOf(sopInstanceUids), "conversion job " + id + ": " + summary);
    }

    /** FAILED with the reason; the source file stays, the (partial) converter output goes. */
    public void fail(long id, String reason) {
        removeOutput(id);
        if (!jobs.finish(id, ConversionJob.Status.FAILED, reason)) {
            return;
        }
        ConversionJob job = jobs.find(id).orElseThrow();
        audit.record(AuditAction.CONVERSION_FAILED, AuditService.Outcome.FAILURE, requester(job),
                job.getStudyInstanceUid(), null, "conversion job " + id + " (" + job.getSourceFileName()
                        + "; source kept at " + job.getSourcePath() + "): " + reason);
    }

    /** Whether the job table exists yet (see {@link ConversionJobRepository#tableExists()}). */
    public boolean ready() {
        return jobs.tableExists();
    }

    /**
     * Start-up: a job that was RUNNING when the archive stopped cannot be resumed (the converter gives every run
     * new UIDs, so re-running would store a second copy of what was already stored): it is FAILED with a reason
     * that says how far it got. QUEUED jobs never started; their ids are returned to be queued again.
     */
    public List<Long> recoverAfterRestart() {
        for (ConversionJob job : jobs.withStatus(ConversionJob.Status.RUNNING)) {
            fail(job.getId(), "interrupted by an archive restart while " + job.getMessage()
                    + (job.getInstanceCount() > 0
                    ? "; " + job.getInstanceCount() + " instance(s) of series " + job.getSeriesInstanceUid()
                    + " had been stored and are kept" : "; nothing had been stored"));
        }
        List<Long> queued = new ArrayList<>();
        for (ConversionJob job : jobs.withStatus(ConversionJob.Status.QUEUED)) {
            queued.add(job.getId());
        }
        try {
            // uploads that were still streaming in when the archive stopped
            deleteTree(configuration.ingestRoot().resolve("receiving"));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "incomplete uploads not removed", e);
        }
        return queued;
    }

    private void removeOutput(long id) {
        try {
            deleteTree(outputDir(id));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "output of conversion job " + id + " not removed", e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
