package org.wsiarchive.core.dicom;

/** The received object is not a storable DICOM instance; the message says why, for the client. */
public class InvalidInstanceException extends Exception {
    public InvalidInstanceException(String message) {
        super(message);
    }

    public InvalidInstanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
