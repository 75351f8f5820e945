package org.wsiarchive.converter.model;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Native (uncompressed) 8-bit single-sample tiles cut from a decoded plane held in memory; edge tiles are padded
 * with zeros. Used for planes stored with lossless TIFF compressions (LZW, Deflate) that are decoded, not copied.
 */
public final class RasterTiles implements FrameSource {
    private final byte[] plane;
    private final int width;
    private final int height;
    private final int tileWidth;
    private final int tileHeight;
    private final byte[] row;

    public RasterTiles(byte[] plane, int width, int height, int tileWidth, int tileHeight) {
        if (plane.length != width * height) {
            throw new IllegalArgumentException("plane has " + plane.length + " bytes, expected " + width * height);
        }
        this.plane = plane;
        this.width = width;
        this.height = height;
        this.tileWidth = tileWidth;
        this.tileHeight = tileHeight;
        this.row = new byte[tileWidth];
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
        return (long) tileWidth * tileHeight;
    }

    @Override
    public void copyFrame(int index, OutputStream out) throws IOException {
        int x0 = (index % tilesAcross()) * tileWidth;
        int y0 = (index / tilesAcross()) * tileHeight;
        int w = Math.min(tileWidth, width - x0);
        for (int y = 0; y < tileHeight; y++) {
            java.util.Arrays.fill(row, (byte) 0);
            if (y0 + y < height) {
                System.arraycopy(plane, (y0 + y) * width + x0, row, 0, w);
            }
            out.write(row);
        }
    }

    @Override
    public boolean lossless() {
        return true;
    }
}
