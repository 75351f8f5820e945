package org.wsiarchive.core.store;

import com.pixelmed.dicom.TagFromName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.wsiarchive.core.audit.AuditAction;
import org.wsiarchive.core.audit.AuditService;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.config.ArchiveConfiguration;
import org.wsiarchive.core.dicom.InstanceHeader;
import org.wsiarchive.core.dicom.InvalidInstanceException;
import org.wsiarchive.core.dicom.MetadataJson;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.dicom.frames.FrameIndexBuilder;
import org.wsiarchive.core.dicom.frames.FrameIndexException;
import org.wsiarchive.core.storage.FileStorage;

import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ingest of one DICOM Part 10 object, the same for every protocol: receive to a temporary file (fsync, SHA-256),
 * validate the header, index the frames, compute the metadata, move the file into place, commit the index, and
 * only then report success. Any failure leaves nothing visible and nothing on disk.
 */
@ApplicationScoped
public class StoreService {

    private static final Logger LOG = Logger.getLogger(StoreService.class.getName());

    @Inject
    FileStorage storage;
    @Inject
    InstanceIndexer indexer;
    @Inject
    AuditService audit;
    @Inject
    ArchiveConfiguration configuration;

    /**
     * Receives and stores one object.
     *
     * @param expectedStudyUid when the request names a study (STOW-RS on /studies/{uid}), instances of another
     *                         study are refused; null otherwise
     */
    public StoreResult store(FileStorage.ObjectSource object, Requester who, String expectedStudyUid) {
        FileStorage.ReceivedFile received;
        try {
            received = receive(object);
        } catch (IOException e) {
            return rejected(who, null, StoreResult.failed(null, null, null, StoreResult.OUT_OF_RESOURCES,
                    "could not receive the object: " + e.getMessage()));
        }
        return store(received, who, expectedStudyUid);
    }

    /**
     * First half of a store, for requests that carry several objects and must be complete before any is stored
     * (a STOW-RS body that turns out to be truncated stores nothing): the object is on disk, nothing is visible.
     */
    public FileStorage.ReceivedFile receive(FileStorage.ObjectSource object) throws IOException {
        return storage.receive(object);
    }

    /** Second half: validates, places and indexes a received object; the temporary file is consumed either way. */
    public StoreResult store(FileStorage.ReceivedFile received, Requester who, String expectedStudyUid) {
        try {
            return storeReceived(received, who, expectedStudyUid);
        } finally {
            storage.discard(received); // no-op once the file has been moved into place
        }
    }

    /** Drops a received object that will not be stored (the rest of its request was malformed). */
    public void discard(FileStorage.ReceivedFile received, Requester who, String reason) {
        storage.discard(received);
        audit.record(AuditAction.STORE_REJECTED, AuditService.Outcome.FAILURE, who, null, null, reason);
    }

    private StoreResult storeReceived(FileStorage.ReceivedFile received, Requester who, String expectedStudyUid) {
        InstanceHeader header;
        try {
            header = InstanceHeader.read(received.path());
        } catch (InvalidInstanceException e) {
            return rejected(who, null, StoreResult.failed(null, null, null, StoreResult.CANNOT_UNDERSTAND, e.getMessage()));
        }
        String cuid = header.sopClassUid(), iuid = header.sopInstanceUid(), study = header.studyInstanceUid();
        if (expectedStudyUid != null && !expectedStudyUid.equals(study)) {
            return rejected(who, header, StoreResult.failed(cuid, iuid, study, StoreResult.DATA_SET_DOES_NOT_MATCH,
                    "Study Instance UID " + study + " does not match the target study " + expectedStudyUid));
        }
        FrameIndex frames = null;
        String pixelDataVr = null;
        if (header.integer(TagFromName.Rows) != null) {
            try {
                frames = FrameIndexBuilder.build(received.path());
            } catch (FrameIndexException e) {
                return rejected(who, header, StoreResult.failed(cuid, iuid, study, StoreResult.CANNOT_UNDERSTAND,
                        "invalid Pixel Data: " + e.getMessage()));
            } catch (IOException e) {
                return rejected(who, header, StoreResult.failed(cuid, iuid, study, StoreResult.OUT_OF_RESOURCES,
                        "could not read the received object: " + e.getMessage()));
            }
            Integer bits = header.integer(TagFromName.BitsAllocated);
            pixelDataVr = !frames.encapsulated() && bits != null && bits > 8 ? "OW" : "OB";
        }
        byte[] metadata;
        try {
            metadata = MetadataJson.buildCompressed(header, pixelDataVr);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metadata of " + iuid, e);
            return rejected(who, header, StoreResult.failed(cuid, iuid, study, StoreResult.CANNOT_UNDERSTAND,
                    "attributes cannot be encoded as DICOM JSON: " + e.getMessage()));
        }

        FileStorage.PlacedFile placed;
        try {
            placed = storage.place(received);
        } catch (IOException e) {
            return rejected(who, header, StoreResult.failed(cuid, iuid, study, StoreResult.OUT_OF_RESOURCES,
                    "could not write to storage: " + e.getMessage()));
        }
        IndexOutcome outcome;
        try {
            outcome = indexer.index(new InstanceIndexer.NewInstance(header, placed.storagePath(), received.size(),
                    received.sha256(), frames, metadata), configuration.allowOverwrite());
        } catch (RuntimeException e) {
            storage.discard(placed);
            LOG.log(Level.WARNING, "index commit failed for " + iuid, e);
            return rejected(who, header, StoreResult.failed(cuid, iuid, study, StoreResult.PROCESSING_FAILURE,
                    "index update failed: " + rootMessage(e)));
        }
        switch (outcome.kind()) {
            case ALREADY_STORED -> {
                storage.discard(placed);
                audit.record(AuditAction.STORE, AuditService.Outcome.SUCCESS, who, study, List.of(iuid),
                        "already stored with identical content; no second copy");
                return new StoreResult(StoreResult.Status.ALREADY_STORED, cuid, iuid, study, header.seriesInstanceUid(), 0, null);
            }
            case CONFLICT -> {
                storage.discard(placed);
                return rejected(who, header, StoreResult.failed(cuid, iuid, study, StoreResult.DUPLICATE_SOP_INSTANCE,
                        "SOP Instance UID " + iuid + " is already stored with different content"
                                + " (overwrite is not enabled)"));
            }
            default -> {
                confirm(placed);
                if (outcome.replacedStoragePath() != null) {
                    removeReplacedFile(outcome.replacedStoragePath());
                }
                audit.record(AuditAction.STORE, AuditService.Outcome.SUCCESS, who, study, List.of(iuid),
                        (outcome.kind() == IndexOutcome.Kind.REPLACED ? "replaced; " : "")
                                + received.size() + " bytes, " + header.transferSyntaxUid()
                                + (frames != null ? ", " + frames.frameCount() + " frames" : ""));
                return new StoreResult(StoreResult.Status.STORED, cuid, iuid, study, header.seriesInstanceUid(), 0, null);
            }
        }
    }

    private void confirm(FileStorage.PlacedFile placed) {
        try {
            storage.confirm(placed);
        } catch (IOException e) {
            // the instance is committed; a stale marker only makes start-up recovery check it against the index
            LOG.log(Level.WARNING, "pending marker not removed: " + placed.pendingMarker(), e);
        }
    }

    private void removeReplacedFile(String storagePath) {
        try {
            java.nio.file.Files.deleteIfExists(storage.resolve(storagePath));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "replaced file not removed: " + storagePath, e);
        }
    }

    private StoreResult rejected(Requester who, InstanceHeader header, StoreResult result) {
        audit.record(AuditAction.STORE_REJECTED, AuditService.Outcome.FAILURE, who,
                header == null ? null : header.studyInstanceUid(),
                header == null ? null : List.of(header.sopInstanceUid()), result.message());
        return result;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
