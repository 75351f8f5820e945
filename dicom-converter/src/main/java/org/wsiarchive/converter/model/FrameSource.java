package org.wsiarchive.converter.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The frames of one image, in DICOM frame order (row-major tiles). Lengths are known before any frame is copied so
 * that offset tables can be written first; frames are streamed one by one, never held all together in memory.
 */
public interface FrameSource {

    int frameCount();

    /** Exact number of bytes {@link #copyFrame} writes for frame {@code index} (before any DICOM padding). */
    long frameLength(int index) throws IOException;

    /** Writes exactly {@link #frameLength(int)} bytes of frame {@code index}. */
    void copyFrame(int index, OutputStream out) throws IOException;

    /** True if frames are byte-for-byte copies of the source's compressed data (apart from merged JPEG tables). */
    boolean lossless();

    /**
     * Called before the frames are written. Sources whose frame lengths are only known after encoding produce their
     * frames here, into a scratch file in {@code workDir} (the conversion's temporary output directory, removed with it).
     */
    default void prepare(Path workDir) throws IOException {
    }

    /** Frees what {@link #prepare} created (called when the conversion ends, successful or not). */
    default void release() throws IOException {
    }

    /** One whole frame in memory (validation of single frames only). */
    default byte[] frameBytes(int index) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream((int) frameLength(index));
        copyFrame(index, b);
        return b.toByteArray();
    }
}
