package org.wsiarchive.core.retrieve;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.entity.InstanceMetadata;
import org.wsiarchive.core.entity.StoredFrameIndex;
import org.wsiarchive.core.storage.FileStorage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.*;

/**
 * Reads what is stored: instances by UID, their precomputed metadata, and frames by positional reads at the
 * byte ranges the frame index recorded at ingest, so a frame request never parses the stored file.
 */
@ApplicationScoped
public class RetrieveService {

    private static final int FRAME_INDEX_CACHE_SIZE = 2048;

    @PersistenceContext(unitName = "archive")
    EntityManager em;
    @Inject
    FileStorage storage;
    @Inject
    AuditService audit;

    /** Frame indexes of recently used instances: a tile viewer asks for many frames of few instances. */
    private final Map<Long, FrameIndex> frameIndexCache = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, FrameIndex> eldest) {
                    return size() > FRAME_INDEX_CACHE_SIZE;
                }
            });

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

    public Path file(StoredInstance instance) {
        return storage.resolve(instance.storagePath());
    }

    /** The stored DICOM JSON of an instance, gzip-compressed, BulkDataURIs with the base placeholder. */
    @Transactional
    public byte[] metadata(StoredInstance instance) {
        InstanceMetadata m = em.find(InstanceMetadata.class, instance.pk());
        if (m == null) {
            throw new IllegalStateException("no metadata indexed for " + instance.sopInstanceUid());
        }
        return m.getJsonGz();
    }

    /** The frame index of an instance, or null when it has no pixel data. */
    @Transactional
    public FrameIndex frameIndex(StoredInstance instance) {
        FrameIndex cached = frameIndexCache.get(instance.pk());
        if (cached != null) {
            return cached;
        }
        StoredFrameIndex stored = em.find(StoredFrameIndex.class, instance.pk());
        if (stored == null) {
            return null;
        }
        FrameIndex index = FrameIndex.fromBytes(stored.getData());
        frameIndexCache.put(instance.pk(), index);
        return index;
    }

    /**
     * Copies frame {@code frameNumber} (1-based) as stored: for encapsulated syntaxes the compressed bitstream of
     * its fragments, for native ones its pixel bytes. Positional frames are one {@code transferTo} per fragment;
     * the rare non-positional ones (deflated data sets, 1-bit frames not starting on a byte) take the slow path.
     */
    public long copyFrame(StoredInstance instance, FrameIndex index, int frameNumber, OutputStream out)
            throws IOException, FrameNotAvailableException {
        checkFrame(instance, index, frameNumber);
        int frame = frameNumber - 1;
        if (!index.positional()) {
            byte[] bytes = SlowFrameReader.frame(file(instance), index, frame);
            out.write(bytes);
            return bytes.length;
        }
        try (FileChannel channel = FileChannel.open(file(instance), StandardOpenOption.READ)) {
            WritableByteChannel target = Channels.newChannel(out);
            long total = 0;
            for (int s = 0; s < index.segmentCount(frame); s++) {
                long position = index.segmentOffset(frame, s);
                long remaining = index.segmentLength(frame, s);
                while (remaining > 0) {
                    long n = channel.transferTo(position, remaining, target);
                    if (n <= 0) {
                        throw new IOException("stored file " + instance.storagePath() + " is shorter than its frame index");
                    }
                    position += n;
                    remaining -= n;
                    total += n;
                }
            }
            return total;
        }
    }

    public void checkFrame(StoredInstance instance, FrameIndex index, int frameNumber) throws FrameNotAvailableException {
        if (index == null) {
            throw new FrameNotAvailableException("instance " + instance.sopInstanceUid() + " has no pixel data");
        }
        if (frameNumber < 1 || frameNumber > index.frameCount()) {
            throw new FrameNotAvailableException("frame " + frameNumber + " does not exist; instance "
                    + instance.sopInstanceUid() + " has " + index.frameCount() + " frames");
        }
    }

    public void audit(Requester who, String studyUid, Collection<String> uids, String detail, boolean success) {
        audit.record(AuditAction.RETRIEVE, success ? AuditService.Outcome.SUCCESS : AuditService.Outcome.FAILURE,
                who, studyUid, uids, detail);
    }
}
