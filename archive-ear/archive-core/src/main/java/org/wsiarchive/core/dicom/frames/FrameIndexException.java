package org.wsiarchive.core.dicom.frames;

/**
 * The stored file's structure cannot be indexed (truncated file, bad item tags, fragments that cannot be mapped to
 * frames, ...). The message says what was found and at which byte offset. Not an I/O failure: retrying will not help.
 */
public class FrameIndexException extends Exception {
    private static final long serialVersionUID = 1L;

    public FrameIndexException(String message) {
        super(message);
    }

    public FrameIndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
