package org.wsiarchive.converter.tiff;

import java.io.IOException;

/** The file is not a TIFF/BigTIFF, or its directory structure is damaged. */
public class TiffFormatException extends IOException {
    public TiffFormatException(String message) {
        super(message);
    }
}
