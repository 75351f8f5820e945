package org.wsiarchive.core.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.entity.AuditEvent;

import java.util.List;

/** Writes audit events in a transaction of their own (a bean of its own so that the transaction applies). */
@ApplicationScoped
public class AuditWriter {

    @PersistenceContext(unitName = "archive")
    EntityManager em;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void write(List<AuditEvent> events) {
        for (AuditEvent e : events) {
            em.persist(e);
        }
    }
}
