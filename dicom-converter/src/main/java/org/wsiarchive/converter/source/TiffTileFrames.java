package org.wsiarchive.converter.source;

import java.io.IOException;
import java.io.OutputStream;
import org.wsiarchive.converter.model.FrameSource;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffFormatException;

/**
 * Frames that are the tiles of one TIFF directory, copied with positional reads. For abbreviated JPEG tiles a prefix
 * (SOI, optional Adobe marker, JPEGTables) replaces the tile's own SOI so each frame is a complete JPEG stream.
 */
public final class TiffTileFrames implements FrameSource {
    private final TiffFile file;
    private final long[] offsets;
    private final long[] counts;
    private final byte[] jpegPrefix;

    /**
     * @param jpegPrefix null to copy tiles unchanged; otherwise bytes that replace each tile's 2-byte SOI
     */
    public TiffTileFrames(TiffFile file, long[] offsets, long[] counts, byte[] jpegPrefix) {
        this.file = file;
        this.offsets = offsets;
        this.counts = counts;
        this.jpegPrefix = jpegPrefix;
    }

    @Override
    public int frameCount() {
        return offsets.length;
    }

    @Override
    public long frameLength(int index) throws IOException {
        long c = counts[index];
        if (c <= 2) {
            throw new TiffFormatException("tile " + index + " is missing or empty (" + c + " bytes)");
        }
        return jpegPrefix == null ? c : jpegPrefix.length + c - 2;
    }

    @Override
    public void copyFrame(int index, OutputStream out) throws IOException {
        long c = counts[index];
        if (jpegPrefix == null) {
            file.copyRange(offsets[index], c, out);
            return;
        }
        byte[] soi = file.readBytes(offsets[index], 2);
        if ((soi[0] & 0xFF) != 0xFF || (soi[1] & 0xFF) != 0xD8) {
            throw new TiffFormatException("JPEG tile " + index + " at offset " + offsets[index] + " does not start with SOI");
        }
        out.write(jpegPrefix);
        file.copyRange(offsets[index] + 2, c - 2, out);
    }

    /** Reads one whole frame into memory (for validation of a single tile). */
    public byte[] frameBytes(int index) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream((int) frameLength(index));
        copyFrame(index, b);
        return b.toByteArray();
    }

    @Override
    public boolean lossless() {
        return true;
    }
}
