package org.wsiarchive.converter.model;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Native (uncompressed) single-sample tiles cut from a decoded plane held in memory; edge tiles are padded with
 * zeros. Samples are 1 byte, or 2 bytes as little-endian words (the byte order of Explicit VR Little Endian OW), so
 * a tile row is copied without conversion. Used for planes stored with lossless TIFF compressions (LZW, Deflate)
 * that are decoded, not copied.
 */
public final class RasterTiles implements FrameSource {
    private final byte[] plane;
    private final int width;
    private final int height;
    private final int tileWidth;
    private final int tileHeight;
    private final int bytesPerSample;
    private final byte[] row;

    public RasterTiles(byte[] plane, int width, int height, int tileWidth, int tileHeight) {
        this(plane, width, height, tileWidth, tileHeight, 1);
    }

    public RasterTiles(byte[] plane, int width, int height, int tileWidth, int tileHeight, int bytesPerSample) {
        if (plane.length != (long) width * height * bytesPerSample) {
            throw new IllegalArgumentException("plane has " + plane.length + " bytes, expected "
                    + (long) width * height * bytesPerSample);
        }
        this.plane = plane;
        this.width = width;
        this.height = height;
        this.tileWidth = tileWidth;
        this.tileHeight = tileHeight;
        this.bytesPerSample = bytesPerSample;
        this.row = new byte[tileWidth * bytesPerSample];
    }

    public int tilesAcross() {
        return (width + tileWidth - 1) / tileWidth;
    }

    @Override
    public int frameCount() {
        return tilesAcross() * ((height + tileHeight - 1) / tileHeight);
    }

    @Override
    public long frameLength(int index) {
        return (long) tileWidth * tileHeight * bytesPerSample;
    }

    @Override
    public void copyFrame(int index, OutputStream out) throws IOException {
        int x0 = (index % tilesAcross()) * tileWidth;
        int y0 = (index / tilesAcross()) * tileHeight;
        int w = Math.min(tileWidth, width - x0);
        for (int y = 0; y < tileHeight; y++) {
            java.util.Arrays.fill(row, (byte) 0);
            if (y0 + y < height) {
                System.arraycopy(plane, ((y0 + y) * width + x0) * bytesPerSample, row, 0, w * bytesPerSample);
            }
            out.write(row);
        }
    }

    @Override
    public boolean lossless() {
        return true;
    }
}
