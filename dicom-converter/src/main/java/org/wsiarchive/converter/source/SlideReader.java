package org.wsiarchive.converter.source;

import java.io.IOException;
import org.wsiarchive.converter.model.Slide;
import org.wsiarchive.converter.tiff.TiffFile;

/**
 * A source format based on TIFF directories. Non-TIFF formats (CZI, VSI, MRXS, OpenSlide-backed readers) will get
 * their own entry point in {@link SlideReaders}; what they must produce is the same {@link Slide} model.
 */
public interface SlideReader {

    /** Human-readable format name, listed in "supported formats" messages. */
    String formatName();

    /** Cheap test on the parsed directories (no tile data read). */
    boolean accepts(TiffFile tiff) throws IOException;

    /** Builds the slide model; the slide takes ownership of {@code tiff}. */
    Slide read(TiffFile tiff) throws IOException;
}
