package org.wsiarchive.core.retrieve;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.entity.InstanceMetadata;
import org.wsiarchive.core.entity.StoredFrameIndex;

import java.util.List;

/**
 * The database side of {@link RetrieveService}: what its caches miss. A bean of its own so that a cache hit in
 * {@code RetrieveService} costs no transaction (the transactional interceptor only runs here).
 */
@ApplicationScoped
public class RetrieveLookup {

    @PersistenceContext(unitName = "archive")
    EntityManager em;

    /** Instances of a study, optionally narrowed to a series and an instance, in index order. */
    @Transactional
    public List<StoredInstance> find(String studyUid, String seriesUid, String sopInstanceUid) {
        StringBuilder jpql = new StringBuilder("select new org.wsiarchive.core.retrieve.StoredInstance("
                + "i.pk, st.studyInstanceUid, se.seriesInstanceUid, i.sopInstanceUid, i.sopClassUid,"
                + " i.transferSyntaxUid, i.storagePath, i.fileSize, i.sha256, i.numberOfFrames)"
                + " from Instance i join i.series se join se.study st where st.studyInstanceUid = :study");
        if (seriesUid != null) jpql.append(" and se.seriesInstanceUid = :series");
        if (sopInstanceUid != null) jpql.append(" and i.sopInstanceUid = :sop");
        jpql.append(" order by se.pk, i.instanceNumber, i.pk");
        var query = em.createQuery(jpql.toString(), StoredInstance.class).setParameter("study", studyUid);
        if (seriesUid != null) query.setParameter("series", seriesUid);
        if (sopInstanceUid != null) query.setParameter("sop", sopInstanceUid);
        return query.getResultList();
    }

    /** The stored gzip-compressed DICOM JSON of an instance, or null. */
    @Transactional
    public byte[] metadata(long instancePk) {
        InstanceMetadata m = em.find(InstanceMetadata.class, instancePk);
        return m == null ? null : m.getJsonGz();
    }

    /** The stored frame index of an instance, or null when it has none (no pixel data). */
    @Transactional
    public StoredFrameIndex frameIndex(long instancePk) {
        return em.find(StoredFrameIndex.class, instancePk);
    }
}
