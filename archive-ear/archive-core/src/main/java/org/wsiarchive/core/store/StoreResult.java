package org.wsiarchive.core.store;

/**
 * The outcome of storing one object, in terms every protocol can map: DICOMweb puts it in the STOW-RS response
 * (ReferencedSOPSequence or FailedSOPSequence with FailureReason), DIMSE in the C-STORE status.
 */
public record StoreResult(Status status, String sopClassUid, String sopInstanceUid, String studyInstanceUid,
                          String seriesInstanceUid, int failureReason, String message) {

    public enum Status { STORED, ALREADY_STORED, FAILED }

    /** PS3.4 / PS3.7 status codes used as FailureReason. */
    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int DUPLICATE_SOP_INSTANCE = 0x0111;
    public static final int OUT_OF_RESOURCES = 0xA700;
    public static final int DATA_SET_DOES_NOT_MATCH = 0xA900;
    public static final int CANNOT_UNDERSTAND = 0xC000;

    public boolean success() {
        return status != Status.FAILED;
    }

    static StoreResult failed(String cuid, String iuid, String study, int reason, String message) {
        return new StoreResult(Status.FAILED, cuid, iuid, study, null, reason, message);
    }
}
