package org.wsiarchive.converter.source;

import java.io.IOException;
import java.io.OutputStream;
import org.wsiarchive.converter.model.FrameSource;
import org.wsiarchive.converter.tiff.TiffFile;
import org.wsiarchive.converter.tiff.TiffFormatException;

/**
 * Frames that are the tiles of one TIFF directory, copied with positional reads. For abbreviated JPEG tiles a prefix
 * (SOI, optional Adobe marker, JPEGTables) replaces the tile's own SOI so each frame is a complete JPEG stream.
 * Sparse sources (Philips) mark absent tiles with byte count 0: with a fill frame those become that frame.
 */
public final class TiffTileFrames implements FrameSource {
    private final TiffFile file;
    private final long[] offsets;
    private final long[] counts;
    private final byte[] jpegPrefix;
    private final byte[] fill;

    /**
     * @param jpegPrefix null to copy tiles unchanged; otherwise bytes that replace each tile's 2-byte SOI
     */
    public TiffTileFrames(TiffFile file, long[] offsets, long[] counts, byte[] jpegPrefix) {
        this(file, offsets, counts, jpegPrefix, null);
    }

    private TiffTileFrames(TiffFile file, long[] offsets, long[] counts, byte[] jpegPrefix, byte[] fill) {
        this.file = file;
        this.offsets = offsets;
        this.counts = counts;
        this.jpegPrefix = jpegPrefix;
        this.fill = fill;
    }

    /** Number of tiles the source does not store (byte count 0). */
    public int missingTiles() {
        int n = 0;
        for (long c : counts) {
            n += c == 0 ? 1 : 0;
        }
        return n;
    }

    /** Index of the first stored tile, or -1 when none is stored. */
    public int firstStoredTile() {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /** The same tiles with every missing one replaced by {@code frame} (a complete, self-contained stream). */
    public TiffTileFrames withMissingTilesAs(byte[] frame) {
        return new TiffTileFrames(file, offsets, counts, jpegPrefix, frame.clone());
    }

    /**
     * The top-left {@code across} x {@code down} tiles of a grid {@code gridAcross} tiles wide, in row-major order:
     * drops tile columns and rows that lie wholly in the padding beyond the true image size.
     */
    public TiffTileFrames cropped(int gridAcross, int across, int down) {
        long[] o = new long[across * down];
        long[] c = new long[across * down];
        for (int y = 0; y < down; y++) {
            System.arraycopy(offsets, y * gridAcross, o, y * across, across);
            System.arraycopy(counts, y * gridAcross, c, y * across, across);
        }
        return new TiffTileFrames(file, o, c, jpegPrefix, fill);
    }

    @Override
    public int frameCount() {
        return offsets.length;
    }

    @Override
    public long frameLength(int index) throws IOException {
        long c = counts[index];
        if (c == 0 && fill != null) {
            return fill.length;
        }
        if (c <= 2) {
            throw new TiffFormatException("tile " + index + " is missing or empty (" + c + " bytes)");
        }
        return jpegPrefix == null ? c : jpegPrefix.length + c - 2;
    }

    @Override
    public void copyFrame(int index, OutputStream out) throws IOException {
        long c = counts[index];
        if (c == 0 && fill != null) {
            out.write(fill);
            return;
        }
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
