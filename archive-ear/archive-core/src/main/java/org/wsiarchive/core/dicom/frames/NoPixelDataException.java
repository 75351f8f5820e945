package org.wsiarchive.core.dicom.frames;

/** The instance has no top-level Pixel Data, Float Pixel Data or Double Float Pixel Data (e.g. SR, annotations). */
public final class NoPixelDataException extends FrameIndexException {
    private static final long serialVersionUID = 1L;

    public NoPixelDataException(String message) {
        super(message);
    }
}
