package org.wsiarchive.converter.source;

/** Which reader opens the input. */
public enum ReaderChoice {
    /** Our lossless readers first; OpenSlide (lossy re-encoding) only for files none of them accepts. */
    AUTO,
    /** OpenSlide for every file it can read (tiles decoded and re-encoded as lossy JPEG). */
    OPENSLIDE
}
