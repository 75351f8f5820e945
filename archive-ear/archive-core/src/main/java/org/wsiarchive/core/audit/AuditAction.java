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
    APPLICATION_START,
    /** a proprietary slide was accepted for conversion (upload or watch folder); nothing stored yet */
    CONVERSION_JOB_CREATED,
    /** a slide was converted and all its DICOM instances stored */
    CONVERSION_SUCCEEDED,
    /** a conversion or the store of its output failed; the source file is kept */
    CONVERSION_FAILED,
    /**
     * a request was refused for want of a valid bearer token (ATNA: User Authentication, failure); successful
     * authentications are not events of their own: each audited request names its user
     */
    USER_AUTHENTICATION,
    /** an authenticated user lacked the role a request needs (ATNA: Security Alert, use of a privilege refused) */
    ACCESS_DENIED
}
