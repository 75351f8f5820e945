package org.wsiarchive.converter.source;

import java.io.IOException;

/** The input cannot be converted: unknown or unsupported format, or damaged data. The message names the problem. */
public class SourceException extends IOException {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
