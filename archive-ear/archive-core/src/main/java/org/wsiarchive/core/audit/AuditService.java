package org.wsiarchive.core.audit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.entity.AuditEvent;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one audit trail of the archive. Each record is written in a transaction of its own so that a failed
 * operation (whose transaction rolls back) is still recorded.
 *
 * <p>Successful retrieves are the exception to one-row-per-request: a slide viewer asks for thousands of frames a
 * minute, so they are coalesced per requester, study, kind and minute ({@link RetrieveAuditCoalescer}) and written
 * by a background task when the minute is over, and at shutdown ({@code @PreDestroy}) whatever is pending. The
 * window is {@code archive.audit.retrieve-window-seconds} (default 60; 0 writes one row per request at once, as
 * every other event).
 */
@ApplicationScoped
public class AuditService {

    private static final Logger LOG = Logger.getLogger(AuditService.class.getName());
    private static final int MAX_DETAIL = 4000;

    public enum Outcome { SUCCESS, FAILURE }

    @PersistenceContext(unitName = "archive")
    EntityManager em;
    @Inject
    AuditWriter writer;
    @Resource(lookup = "java:jboss/ee/concurrency/scheduler/default")
    ManagedScheduledExecutorService scheduler;

    private final long windowMillis = Math.max(0, Long.getLong("archive.audit.retrieve-window-seconds", 60)) * 1000;
    private final RetrieveAuditCoalescer retrieves = new RetrieveAuditCoalescer(windowMillis);
    private volatile ScheduledFuture<?> flusher;
    private volatile boolean stopped;

    @PostConstruct
    void start() {
        if (windowMillis > 0 && scheduler != null) {
            flusher = scheduler.scheduleWithFixedDelay(() -> flush(false), 1, 1, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        ScheduledFuture<?> f = flusher;
        if (f != null) f.cancel(false);
        flush(true);
    }

    /**
     * A successful retrieve (instances, metadata, frames, bulk data): coalesced with the others of the same
     * requester, study and kind in the current window, written when the window is over.
     */
    public void recordRetrieve(Requester who, String studyInstanceUid, Collection<String> objectUids, String detail) {
        if (flusher == null || stopped) {
            // through the writer bean: a call of this bean's own record() would bypass its transaction interceptor
            writeNow(newEvent(AuditAction.RETRIEVE, Outcome.SUCCESS, who, studyInstanceUid, objectUids, detail));
            return;
        }
        retrieves.add(System.currentTimeMillis(), who, studyInstanceUid, objectUids, detail);
    }

    /**
     * Whether {@link #recordRetrieve} returns without touching the database (retrieves are coalesced and written
     * later): a caller that must not block, e.g. on a network I/O thread, records only then.
     */
    public boolean recordsRetrievesWithoutWaiting() {
        return flusher != null && !stopped;
    }

    /** Writes the coalesced retrieves whose window is over ({@code all}: every pending one). */
    synchronized void flush(boolean all) {
        List<AuditEvent> events = retrieves.drain(System.currentTimeMillis(), all);
        if (events.isEmpty()) return;
        try {
            writer.write(events);
        } catch (RuntimeException e) {
            // never lost silently: the log keeps every event the database refused
            for (AuditEvent ev : events) {
                LOG.log(Level.WARNING, "audit record lost: " + ev.getAction() + " " + ev.getOutcome() + " "
                        + ev.getProtocol() + "/" + ev.getUserId() + "@" + ev.getRemoteHost() + " at " + ev.getEventTime()
                        + " study " + ev.getStudyInstanceUid() + " objects " + ev.getObjectUids() + ": " + ev.getDetail(), e);
            }
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(AuditAction action, Outcome outcome, Requester who, String studyInstanceUid,
                       Collection<String> objectUids, String detail) {
        try {
            em.persist(newEvent(action, outcome, who, studyInstanceUid, objectUids, detail));
        } catch (RuntimeException e) {
            // the audit must never turn a served request into a failure; the log keeps the event instead
            LOG.log(Level.WARNING, "audit record lost: " + action + " " + outcome + " " + who, e);
        }
    }

    /** The most recent events, newest first (admin view, tests); pending coalesced retrieves are written first. */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public List<AuditEvent> recent(int max) {
        flush(true);
        return em.createQuery("select e from AuditEvent e order by e.pk desc", AuditEvent.class)
                .setMaxResults(max).getResultList();
    }

    private static AuditEvent newEvent(AuditAction action, Outcome outcome, Requester who, String studyInstanceUid,
                                       Collection<String> objectUids, String detail) {
        return new AuditEvent(OffsetDateTime.now(), action.name(), outcome.name(), who.protocol(),
                who.userId(), who.remoteHost(), studyInstanceUid,
                objectUids == null || objectUids.isEmpty() ? null : String.join(",", objectUids),
                detail == null ? null : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail);
    }

    private void writeNow(AuditEvent event) {
        try {
            writer.write(List.of(event));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit record lost: " + event.getAction() + " " + event.getOutcome() + " "
                    + event.getProtocol() + "/" + event.getUserId() + "@" + event.getRemoteHost(), e);
        }
    }
}
