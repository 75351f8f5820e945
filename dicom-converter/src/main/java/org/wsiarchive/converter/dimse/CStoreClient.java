package org.wsiarchive.converter.dimse;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import org.wsiarchive.converter.ProgressListener;
import org.wsiarchive.converter.send.InstanceSender;
import org.wsiarchive.converter.send.SendProgress;

/**
 * DIMSE C-STORE SCU built on PixelMed's association classes: all files on one association, each file's data set sent
 * exactly as it is in the file (no transcoding: copied tiles must stay byte for byte what the scanner wrote).
 *
 * <p>PixelMed's {@code StorageSOPClassSCU} is not used as a whole because it proposes its own transfer syntax lists
 * (an SCP that prefers uncompressed then makes it transcode JPEG tiles), reports only success/failure per instance
 * (not the DIMSE status the summary has to show) and logs association failures instead of raising them. Here every
 * (SOP class, transfer syntax) pair of the files gets a presentation context of its own with just that transfer
 * syntax, so the SCP can only accept the encoding the file has or refuse it.
 */
public final class CStoreClient implements InstanceSender {

    private final DicomNode peer;
    private final String callingAeTitle;

    public CStoreClient(DicomNode peer, String callingAeTitle) {
        this.peer = peer;
        this.callingAeTitle = DicomNode.checkAeTitle(callingAeTitle, "calling AE title");
    }

    @Override
    public String description() {
        return "C-STORE to " + peer;
    }

    /** SOP class, instance and transfer syntax of one file, from its Part 10 meta header. */
    private record Meta(String sopClass, String sopInstance, String transferSyntax) {
    }

    @Override
    public CStoreResult send(List<Path> files, ProgressListener progress) throws IOException {
        List<Meta> metas = new ArrayList<>();
        for (Path f : files) {
            metas.add(meta(f));
        }
        Map<String, PresentationContext> contexts = new LinkedHashMap<>();
        for (Meta m : metas) {
            contexts.computeIfAbsent(m.sopClass() + " " + m.transferSyntax(), k -> new PresentationContext(
                    (byte) (2 * contexts.size() + 1), m.sopClass(), m.transferSyntax()));
        }
        Association association;
        try {
            association = AssociationFactory.createNewAssociation(peer.host(), peer.port(), peer.aeTitle(),
                    callingAeTitle, new LinkedList<>(contexts.values()), null, false);
        } catch (DicomNetworkException | IOException e) {
            throw associationFailure(e);
        }

        SendProgress sending = new SendProgress(progress, files);
        List<CStoreResult.FileStatus> statuses = new ArrayList<>();
        String broken = null; // set when the association failed: the remaining files are not sent
        boolean peerGone = false;
        for (int i = 0; i < files.size(); i++) {
            Meta m = metas.get(i);
            if (broken != null) {
                statuses.add(CStoreResult.FileStatus.notStored(files.get(i), m.sopInstance(), "not sent, " + broken));
                continue;
            }
            try {
                statuses.add(storeOne(association, files.get(i), m, sending, i));
            } catch (DicomNetworkException | AReleaseException e) {
                // the peer aborted or released, or the connection broke: nothing left to abort
                peerGone = true;
                broken = "association ended: " + networkReason(e);
                statuses.add(CStoreResult.FileStatus.notStored(files.get(i), m.sopInstance(), broken));
            } catch (DicomException | IOException e) {
                broken = "sending stopped: " + oneLine(e.getMessage());
                statuses.add(CStoreResult.FileStatus.notStored(files.get(i), m.sopInstance(), broken));
            }
        }
        try {
            if (broken == null) {
                association.release();
            } else if (!peerGone) {
                association.abort();
            }
        } catch (DicomNetworkException e) {
            // every response that came is in the result; a failed release or abort changes none of them
        }
        return new CStoreResult(peer, statuses);
    }

    private CStoreResult.FileStatus storeOne(Association association, Path file, Meta m, SendProgress sending, int index)
            throws DicomNetworkException, AReleaseException, DicomException, IOException {
        byte context;
        try {
            context = association.getSuitablePresentationContextID(m.sopClass(), m.transferSyntax());
        } catch (DicomNetworkException e) {
            try (InputStream ignored = sending.open(index)) {
                // counted as done: nothing of it will be sent
            }
            return CStoreResult.FileStatus.notStored(file, m.sopInstance(), "the SCP accepted no presentation context"
                    + " for SOP class " + m.sopClass() + " in transfer syntax " + m.transferSyntax());
        }
        StatusHandler response = new StatusHandler();
        association.setReceivedDataHandler(response);
        association.send(context, new CStoreRequestCommandMessage(m.sopClass(), m.sopInstance()).getBytes(), null);
        try (InputStream in = sending.open(index);
             DicomInputStream din = new DicomInputStream(new BufferedInputStream(in, 1 << 20))) {
            // the data set follows the meta header as it is: it is in the transfer syntax of the presentation context
            new AttributeList().readOnlyMetaInformationHeader(din);
            OutputStream out = association.getAssociationOutputStream(context);
            din.transferTo(out);
            out.close(); // sends the last fragment
        }
        association.waitForCommandPDataPDUs();
        return new CStoreResult.FileStatus(file, m.sopInstance(), response.status(), response.errorComment());
    }

    private static Meta meta(Path file) throws IOException {
        AttributeList meta = new AttributeList();
        try (DicomInputStream din = new DicomInputStream(new BufferedInputStream(java.nio.file.Files.newInputStream(file)))) {
            if (!din.haveMetaHeader()) {
                throw new IOException(file + " has no DICOM Part 10 meta header");
            }
            meta.readOnlyMetaInformationHeader(din);
        } catch (DicomException e) {
            throw new IOException(file + ": unreadable DICOM meta header: " + e.getMessage(), e);
        }
        String sopClass = Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.MediaStorageSOPClassUID);
        String sopInstance = Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.MediaStorageSOPInstanceUID);
        String ts = Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.TransferSyntaxUID);
        if (sopClass.isEmpty() || sopInstance.isEmpty() || ts.isEmpty()) {
            throw new IOException(file + ": meta header lacks the SOP class, SOP instance or transfer syntax UID");
        }
        return new Meta(sopClass, sopInstance, ts);
    }

    /**
     * A clear message for the two usual cases: nobody listening (PixelMed reports the refused connection as an
     * A-P-ABORT with the ConnectException in its text) and an A-ASSOCIATE-RJ (e.g. unknown called AE title).
     */
    private IOException associationFailure(Exception e) {
        String message = oneLine(e.getMessage());
        boolean refused = e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException
                || message.contains("java.net.ConnectException");
        if (refused) {
            return new IOException("connection to " + peer.host() + ":" + peer.port() + " refused: no DICOM C-STORE SCP"
                    + " is listening there", e);
        }
        if (message.contains("A-ASSOCIATE-RJ")) {
            return new IOException("association rejected by " + peer + " (calling AE title " + callingAeTitle + "): "
                    + message.substring(message.indexOf("A-ASSOCIATE-RJ")), e);
        }
        return new IOException("no association with " + peer + " (calling AE title " + callingAeTitle + "): " + message, e);
    }

    /** PixelMed wraps an A-ABORT from the peer in an A-P-ABORT; the innermost indication says what happened. */
    private static String networkReason(Exception e) {
        String m = oneLine(e.getMessage());
        int abort = m.lastIndexOf("A-ABORT indication");
        return abort >= 0 ? m.substring(abort) : m;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\n\\s*", "; ");
    }

    /** Keeps the Status (0000,0900) and Error Comment (0000,0902) of the C-STORE-RSP. */
    private static final class StatusHandler extends CompositeResponseHandler {
        private int dimseStatus = -1;
        private String errorComment = "";

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            dimseStatus = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, -1);
            errorComment = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.ErrorComment);
            status = dimseStatus;
            success = CStoreResult.stored(dimseStatus);
        }

        int status() {
            return dimseStatus;
        }

        String errorComment() {
            return errorComment;
        }
    }
}
