package org.wsiarchive.core.query;

/** A query key or parameter the archive cannot accept; the message tells the client which and why. */
public class InvalidQueryException extends Exception {
    public InvalidQueryException(String message) {
        super(message);
    }
}
