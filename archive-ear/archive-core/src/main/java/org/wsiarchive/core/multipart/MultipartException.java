package org.wsiarchive.core.multipart;

import java.io.IOException;

/**
 * Malformed multipart request: bad or missing Content-Type / boundary, body truncated inside a part, missing closing
 * delimiter, garbage before the first boundary, bad part headers. Callers answer HTTP 400 and must discard any part
 * whose {@code transferTo} or the following {@code next()} failed.
 *
 * <p>Extends IOException so that {@link MultipartRelatedReader.Part#transferTo(java.io.OutputStream)} can report a
 * truncated part; other IOExceptions from the reader are transport errors (client disconnect, disk full).
 */
public class MultipartException extends IOException {
    private static final long serialVersionUID = 1L;

    public MultipartException(String message) {
        super(message);
    }

    public MultipartException(String message, Throwable cause) {
        super(message, cause);
    }
}
