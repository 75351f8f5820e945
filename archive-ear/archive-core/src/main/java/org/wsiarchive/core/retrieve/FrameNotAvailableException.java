package org.wsiarchive.core.retrieve;

/** The requested frame does not exist or cannot be served as asked; the message says why. */
public class FrameNotAvailableException extends Exception {
    public FrameNotAvailableException(String message) {
        super(message);
    }
}
