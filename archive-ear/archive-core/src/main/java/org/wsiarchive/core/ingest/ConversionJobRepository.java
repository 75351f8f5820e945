package org.wsiarchive.core.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.entity.ConversionJob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The conversion_job rows. State changes are single UPDATE statements guarded by the expected status, so that the
 * worker's progress updates, the start-up recovery and a finishing job never overwrite each other's outcome.
 */
@ApplicationScoped
public class ConversionJobRepository {

    /** Puts the job's source file into place once the job has its id; a failure rolls the new row back. */
    @FunctionalInterface
    public interface SourcePlacement {
        /** @return the size of the placed file */
        long place(long jobId) throws IOException;
    }

    @PersistenceContext(unitName = "archive")
    EntityManager em;

    @Transactional
    public ConversionJob insert(ConversionJob job, java.util.function.LongFunction<String> sourcePathOf,
                                SourcePlacement placement) {
        em.persist(job);
        em.flush(); // IDENTITY: the id exists now, the source folder is named after it
        long id = job.getId();
        try {
            long size = placement.place(id);
            job.setSource(sourcePathOf.apply(id), size);
        } catch (IOException e) {
            throw new UncheckedIOException("source file of job " + id + " not placed: " + e.getMessage(), e);
        }
        return job;
    }

    /** Whether the migration that creates conversion_job has committed (the core migrates when a module starts). */
    @Transactional
    public boolean tableExists() {
        Object r = em.createNativeQuery("select to_regclass('conversion_job') is not null").getSingleResult();
        return Boolean.TRUE.equals(r);
    }

    @Transactional
    public Optional<ConversionJob> find(long id) {
        return Optional.ofNullable(em.find(ConversionJob.class, id));
    }

    /** Newest first; all statuses when {@code status} is null. */
    @Transactional
    public List<ConversionJob> list(ConversionJob.Status status, int max) {
        var q = status == null
                ? em.createQuery("select j from ConversionJob j order by j.id desc", ConversionJob.class)
                : em.createQuery("select j from ConversionJob j where j.status = :s order by j.id desc", ConversionJob.class)
                        .setParameter("s", status);
        return q.setMaxResults(max).getResultList();
    }

    /** Oldest first, for the start-up recovery. */
    @Transactional
    public List<ConversionJob> withStatus(ConversionJob.Status status) {
        return em.createQuery("select j from ConversionJob j where j.status = :s order by j.id", ConversionJob.class)
                .setParameter("s", status).getResultList();
    }

    /** QUEUED → RUNNING; false when the job is not queued (already taken, or finished meanwhile). */
    @Transactional
    public boolean markRunning(long id) {
        return em.createQuery("update ConversionJob j set j.status = :running, j.startedTime = :now,"
                        + " j.message = 'converting', j.progressPercent = 0 where j.id = :id and j.status = :queued")
                .setParameter("running", ConversionJob.Status.RUNNING).setParameter("queued", ConversionJob.Status.QUEUED)
                .setParameter("now", OffsetDateTime.now()).setParameter("id", id).executeUpdate() == 1;
    }

    @Transactional
    public void progress(long id, int percent, String message) {
        em.createQuery("update ConversionJob j set j.progressPercent = :p, j.message = :m"
                        + " where j.id = :id and j.status = :running")
                .setParameter("p", clamp(percent)).setParameter("m", message).setParameter("id", id)
                .setParameter("running", ConversionJob.Status.RUNNING).executeUpdate();
    }

    /** After each stored instance: what is in the archive so far, so a failure later can say exactly that. */
    @Transactional
    public void stored(long id, String studyUid, String seriesUid, int instanceCount, int framesStored,
                       int framesTotal, int percent, String message) {
        em.createQuery("update ConversionJob j set j.studyInstanceUid = :st, j.seriesInstanceUid = :se,"
                        + " j.instanceCount = :n, j.framesStored = :fs, j.framesTotal = :ft, j.progressPercent = :p,"
                        + " j.message = :m where j.id = :id and j.status = :running")
                .setParameter("st", studyUid).setParameter("se", seriesUid).setParameter("n", instanceCount)
                .setParameter("fs", framesStored).setParameter("ft", framesTotal).setParameter("p", clamp(percent))
                .setParameter("m", message).setParameter("id", id)
                .setParameter("running", ConversionJob.Status.RUNNING).executeUpdate();
    }

    /** RUNNING (or QUEUED) → SUCCEEDED/FAILED; false when the job had already finished. */
    @Transactional
    public boolean finish(long id, ConversionJob.Status outcome, String message) {
        String percent = outcome == ConversionJob.Status.SUCCEEDED ? ", j.progressPercent = 100" : "";
        return em.createQuery("update ConversionJob j set j.status = :o, j.message = :m, j.finishedTime = :now"
                        + percent + " where j.id = :id and j.status in (:queued, :running)")
                .setParameter("o", outcome).setParameter("m", message).setParameter("now", OffsetDateTime.now())
                .setParameter("queued", ConversionJob.Status.QUEUED)
                .setParameter("running", ConversionJob.Status.RUNNING)
                .setParameter("id", id).executeUpdate() == 1;
    }

    @Transactional
    public void forgetSource(long id) {
        em.createQuery("update ConversionJob j set j.sourcePath = null where j.id = :id")
                .setParameter("id", id).executeUpdate();
    }

    private static int clamp(int percent) {
        return Math.max(0, Math.min(100, percent));
    }
}
