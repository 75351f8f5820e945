package org.wsiarchive.core.retrieve;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.config.ArchiveConfiguration;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.entity.StoredFrameIndex;
import org.wsiarchive.core.storage.FileStorage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.*;

/**
 * Reads what is stored: instances by UID, their precomputed metadata, and frames by positional reads at the
 * byte ranges the frame index recorded at ingest, so a frame request never parses the stored file. The hot path
 * of a frame request (instance by UIDs, frame index, the file) is served from memory after the first request.
 */
@ApplicationScoped
public class RetrieveService {

    private static final int FRAME_INDEX_CACHE_SIZE = 2048;
    private static final int INSTANCE_CACHE_SIZE = 20_000;
    private static final int MAPPED_FILES = 256;

    @Inject
    FileStorage storage;
    @Inject
    AuditService audit;
    @Inject
    RetrieveLookup lookup;
    @Inject
    ArchiveConfiguration configuration;

    /** Frame indexes of recently used instances: a tile viewer asks for many frames of few instances. */
    private final BoundedCache<Long, FrameIndex> frameIndexCache = new BoundedCache<>(FRAME_INDEX_CACHE_SIZE);
    /**
     * Instances by SOP Instance UID, as a frame request names them. Stored instances are immutable: the row of a
     * SOP Instance UID only changes when overwrite is configured (a replaced instance gets a new row and file), so
     * the cache is only used when it is not, and {@link #forget} drops an entry for whoever replaces one.
     * Only instances found are cached: one stored later is found by the next request.
     */
    private final BoundedCache<String, StoredInstance> instanceCache = new BoundedCache<>(INSTANCE_CACHE_SIZE);
    private final MappedFiles files = new MappedFiles(MAPPED_FILES);
    private static final int METADATA_CACHE_MAX_BYTES = 1 << 20;
    /** at most 128 x 1 MB of compressed JSON */
    private final BoundedCache<Long, byte[]> metadataCache = new BoundedCache<>(128);

    /** Instances of a study, optionally narrowed to a series and an instance, in index order. */
    public List<StoredInstance> find(String studyUid, String seriesUid, String sopInstanceUid) {
        boolean cacheable = sopInstanceUid != null && !configuration.allowOverwrite();
        if (cacheable) {
            StoredInstance cached = instanceCache.get(sopInstanceUid);
            if (cached != null && cached.studyInstanceUid().equals(studyUid)
                    && (seriesUid == null || cached.seriesInstanceUid().equals(seriesUid))) {
                return List.of(cached);
            }
        }
        List<StoredInstance> found = lookup.find(studyUid, seriesUid, sopInstanceUid);
        if (cacheable && found.size() == 1) {
            instanceCache.put(sopInstanceUid, found.get(0));
        }
        return found;
    }

    /** Forgets what is cached of an instance: to be called when an instance is replaced (overwrite configured). */
    public void forget(String sopInstanceUid) {
        StoredInstance gone = instanceCache.remove(sopInstanceUid);
        if (gone != null) {
            frameIndexCache.remove(gone.pk());
            metadataCache.remove(gone.pk());
            files.forget(file(gone));
        }
    }

    public Path file(StoredInstance instance) {
        return storage.resolve(instance.storagePath());
    }

    /**
     * The stored DICOM JSON of an instance, gzip-compressed, BulkDataURIs with the base placeholder. Immutable per
     * instance row, so recently used ones are kept (those up to {@value #METADATA_CACHE_MAX_BYTES} bytes): the
     * series metadata of a pyramid is then no database round trip per instance. Callers must not modify the array.
     */
    public byte[] metadata(StoredInstance instance) {
        byte[] cached = metadataCache.get(instance.pk());
        if (cached != null) {
            return cached;
        }
        byte[] gz = lookup.metadata(instance.pk());
        if (gz == null) {
            throw new IllegalStateException("no metadata indexed for " + instance.sopInstanceUid());
        }
        if (gz.length <= METADATA_CACHE_MAX_BYTES) {
            metadataCache.put(instance.pk(), gz);
        }
        return gz;
    }

    /** The frame index of an instance, or null when it has no pixel data. */
    public FrameIndex frameIndex(StoredInstance instance) {
        FrameIndex cached = frameIndexCache.get(instance.pk());
        if (cached != null) {
            return cached;
        }
        StoredFrameIndex stored = lookup.frameIndex(instance.pk());
        if (stored == null) {
            return null;
        }
        FrameIndex index = FrameIndex.fromBytes(stored.getData());
        frameIndexCache.put(instance.pk(), index);
        return index;
    }

    /**
     * Copies frame {@code frameNumber} (1-based) as stored: for encapsulated syntaxes the compressed bitstream of
     * its fragments, for native ones its pixel bytes. Positional frames are copied straight from the stored file,
     * mapped into memory (one copy into the response, no system call once the pages are cached); the rare
     * non-positional ones (deflated data sets, 1-bit frames not starting on a byte) take the slow path.
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
        int segments = index.segmentCount(frame);
        long[] offsets = new long[segments];
        long[] lengths = new long[segments];
        for (int s = 0; s < segments; s++) {
            offsets[s] = index.segmentOffset(frame, s);
            lengths[s] = index.segmentLength(frame, s);
        }
        return files.copy(file(instance), offsets, lengths, out);
    }

    /**
     * Frame {@code frameNumber} (1-based) as stored, as one array: lets an adapter write a whole response in one
     * piece with its Content-Length (no chunked encoding) instead of streaming it.
     */
    public byte[] frame(StoredInstance instance, FrameIndex index, int frameNumber)
            throws IOException, FrameNotAvailableException {
        checkFrame(instance, index, frameNumber);
        int frame = frameNumber - 1;
        if (!index.positional()) {
            return SlowFrameReader.frame(file(instance), index, frame);
        }
        int segments = index.segmentCount(frame);
        long[] offsets = new long[segments];
        long[] lengths = new long[segments];
        for (int s = 0; s < segments; s++) {
            offsets[s] = index.segmentOffset(frame, s);
            lengths[s] = index.segmentLength(frame, s);
        }
        return files.bytes(file(instance), offsets, lengths);
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

    /**
     * Records a retrieve. Successful ones are coalesced (per requester, study, kind and minute) and written
     * asynchronously, so that a frame request does not wait for an insert; failures are written at once.
     */
    public void audit(Requester who, String studyUid, Collection<String> uids, String detail, boolean success) {
        if (success) {
            audit.recordRetrieve(who, studyUid, uids, detail);
        } else {
            audit.record(AuditAction.RETRIEVE, AuditService.Outcome.FAILURE, who, studyUid, uids, detail);
        }
    }
}
