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
import java.nio.ByteBuffer;
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
            StoredInstance one = instanceCache.getOrLoad(sopInstanceUid, sop -> {
                List<StoredInstance> found = lookup.find(studyUid, seriesUid, sop);
                return found.size() == 1 ? found.get(0) : null;
            });
            if (one != null && one.studyInstanceUid().equals(studyUid)
                    && (seriesUid == null || one.seriesInstanceUid().equals(seriesUid))) {
                return List.of(one);
            }
        }
        return lookup.find(studyUid, seriesUid, sopInstanceUid);
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
        return frameIndexCache.getOrLoad(instance.pk(), pk -> {
            StoredFrameIndex stored = lookup.frameIndex(pk);
            return stored == null ? null : FrameIndex.fromBytes(stored.getData());
        });
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
        FrameRanges r = ranges(index, frame);
        return files.copy(file(instance), r.offsets(), r.lengths(), out);
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
        FrameRanges r = ranges(index, frame);
        return files.bytes(file(instance), r.offsets(), r.lengths());
    }

    /**
     * Frame {@code frameNumber} (1-based) as stored, as read-only buffers over the memory-mapped file: an adapter
     * writes them to the socket straight from the page cache, without a copy into the heap (tile responses are
     * most of the archive's traffic; their arrays were most of its garbage). Null when the frame cannot be served
     * that way (no byte positions, or the file cannot be mapped): use {@link #frame} then.
     */
    public ByteBuffer[] frameBuffers(StoredInstance instance, FrameIndex index, int frameNumber)
            throws IOException, FrameNotAvailableException {
        checkFrame(instance, index, frameNumber);
        if (!index.positional()) {
            return null;
        }
        FrameRanges r = ranges(index, frameNumber - 1);
        return files.buffers(file(instance), r.offsets(), r.lengths());
    }

    // ---- for callers that must not block (a network I/O thread): what is in memory, or null ---------------------

    /** The instance if a previous request left it in the cache under these UIDs; never a database query. */
    public StoredInstance cachedInstance(String studyUid, String seriesUid, String sopInstanceUid) {
        if (configuration.allowOverwrite()) return null;
        StoredInstance one = instanceCache.get(sopInstanceUid);
        return one != null && one.studyInstanceUid().equals(studyUid) && one.seriesInstanceUid().equals(seriesUid)
                ? one : null;
    }

    /** The frame index if cached; never a database query. */
    public FrameIndex cachedFrameIndex(StoredInstance instance) {
        return frameIndexCache.get(instance.pk());
    }

    /**
     * Frame {@code frameNumber} (1-based, checked by the caller) as buffers over the mapping when that cannot block:
     * the file is mapped and the frame's pages are in memory. Null otherwise (cold pages would stall the thread).
     */
    public ByteBuffer[] residentFrameBuffers(StoredInstance instance, FrameIndex index, int frameNumber) {
        if (!index.positional() || frameNumber < 1 || frameNumber > index.frameCount()) return null;
        FrameRanges r = ranges(index, frameNumber - 1);
        return files.residentBuffers(file(instance), r.offsets(), r.lengths());
    }

    /** Whether {@link #audit} of a successful retrieve returns without waiting for the database. */
    public boolean auditsRetrievesWithoutWaiting() {
        return audit.recordsRetrievesWithoutWaiting();
    }

    /** Where the bytes of a frame (0-based) of a positional index are in the stored file. */
    private record FrameRanges(long[] offsets, long[] lengths) {}

    private static FrameRanges ranges(FrameIndex index, int frame) {
        int segments = index.segmentCount(frame);
        long[] offsets = new long[segments];
        long[] lengths = new long[segments];
        for (int s = 0; s < segments; s++) {
            offsets[s] = index.segmentOffset(frame, s);
            lengths[s] = index.segmentLength(frame, s);
        }
        return new FrameRanges(offsets, lengths);
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
