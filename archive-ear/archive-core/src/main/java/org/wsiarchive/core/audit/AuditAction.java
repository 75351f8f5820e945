package org.wsiarchive.core.audit;

/** The audited actions; names follow the IHE ATNA event vocabulary they will map to. */
public enum AuditAction {
    /** an instance was stored (ATNA: DICOM Instances Transferred, create) */
    STORE,
    /** an object was refused; nothing was stored */
    STORE_REJECTED,
    /** a search (ATNA: Query) */
    QUERY,
    /** instances, frames or metadata were read (ATNA: DICOM Instances Transferred, read) */
    RETRIEVE,
    /** the archive started or stopped (ATNA: Application Activity) */
    APPLICATION_START
}
