package org.wsiarchive.core.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.entity.AuditEvent;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one audit trail of the archive. Each record is written in a transaction of its own so that a failed
 * operation (whose transaction rolls back) is still recorded.
 */
@ApplicationScoped
public class AuditService {

    private static final Logger LOG = Logger.getLogger(AuditService.class.getName());
    private static final int MAX_DETAIL = 4000;

    public enum Outcome { SUCCESS, FAILURE }

    @PersistenceContext(unitName = "archive")
    EntityManager em;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(AuditAction action, Outcome outcome, Requester who, String studyInstanceUid,
                       Collection<String> objectUids, String detail) {
        try {
            em.persist(new AuditEvent(OffsetDateTime.now(), action.name(), outcome.name(), who.protocol(),
                    who.userId(), who.remoteHost(), studyInstanceUid,
                    objectUids == null || objectUids.isEmpty() ? null : String.join(",", objectUids),
                    detail == null ? null : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail));
        } catch (RuntimeException e) {
            // the audit must never turn a served request into a failure; the log keeps the event instead
            LOG.log(Level.WARNING, "audit record lost: " + action + " " + outcome + " " + who, e);
        }
    }

    /** The most recent events, newest first (admin view, tests). */
    @Transactional
    public List<AuditEvent> recent(int max) {
        return em.createQuery("select e from AuditEvent e order by e.pk desc", AuditEvent.class)
                .setMaxResults(max).getResultList();
    }
}
