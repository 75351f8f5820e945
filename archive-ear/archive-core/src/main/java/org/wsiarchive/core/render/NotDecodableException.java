package org.wsiarchive.core.render;

/** The stored encoding cannot be decoded or rendered here; the message says why (it reaches the client). */
public class NotDecodableException extends Exception {
    public NotDecodableException(String message) {
        super(message);
    }

    public NotDecodableException(String message, Throwable cause) {
        super(message, cause);
    }
}
