package org.wsiarchive.converter.pyramid;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.util.Arrays;
import org.wsiarchive.converter.dicom.WsiInstanceWriter;
import org.wsiarchive.converter.jpeg.JpegEncoder;
import org.wsiarchive.converter.model.ReencodedFrames;
import org.wsiarchive.converter.model.SlideImage;

/**
 * The tiles of a level generated from {@code source} at half its size: output pixel (x, y) is the rounded mean of
 * source pixels (2x..2x+1, 2y..2y+1) that exist (edge pixels of odd-sized sources average 1 or 2 pixels). Produced
 * one band (up to {@link #BAND_TILES} output tiles of one tile row) at a time: the source tiles under the band are
 * decoded one after another and summed into a band buffer of 16-bit sums (at most 4 x 255), then the band's tiles
 * are encoded. Padding of edge tiles is white
 * (colour) or black (grayscale), the usual background of brightfield and fluorescence slides.
 */
final class Downsampled extends ReencodedFrames {

    /** Output tiles summed at once: 16 x 256 px x 256 rows x 3 samples of 16 bits = 6 MB. */
    static final int BAND_TILES = 16;

    private final SlideImage source;
    private final int width;
    private final int height;
    private final int tile;
    private final int spp;
    private final int across;
    private final JpegEncoder encoder;
    private short[] sums = new short[0];
    private int[] decoded;

    Downsampled(SlideImage source, int width, int height, int tile, float quality, String derivation) {
        super(((width + tile - 1) / tile) * ((height + tile - 1) / tile),
                () -> {
                    try {
                        return WsiInstanceWriter.lossySteps(source);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, derivation);
        this.source = source;
        this.width = width;
        this.height = height;
        this.tile = tile;
        this.spp = source.samplesPerPixel();
        this.across = (width + tile - 1) / tile;
        this.encoder = new JpegEncoder(quality);
    }

    @Override
    public void prepare(java.nio.file.Path workDir) throws IOException {
        // a generated source level must have been encoded first: it is decoded from its spooled frames
        source.frames().prepare(workDir);
        super.prepare(workDir);
    }

    @Override
    protected synchronized void encodeAll(FrameSink sink) throws IOException {
        int down = (height + tile - 1) / tile;
        for (int row = 0; row < down; row++) {
            // a band at most BAND_TILES wide: memory does not grow with the slide's width (a 100,000-px level
            // would otherwise need a 150 MB band); source tiles straddling two bands are decoded twice
            for (int c0 = 0; c0 < across; c0 += BAND_TILES) {
                int c1 = Math.min(across, c0 + BAND_TILES);
                sumBand(row, c0, c1);
                for (int c = c0; c < c1; c++) {
                    sink.frame(encoder.encode(tileImage(row, c0, c1, c)));
                }
            }
        }
    }

    @Override
    protected synchronized byte[] encodeFrame(int index) throws IOException {
        int row = index / across;
        int col = index % across;
        sumBand(row, col, col + 1);
        return encoder.encode(tileImage(row, col, col + 1, col));
    }

    /** Sums the source pixels under output tiles [c0, c1) of tile row {@code row} into {@link #sums}. */
    private void sumBand(int row, int c0, int c1) throws IOException {
        int bandWidth = (c1 - c0) * tile;
        int size = bandWidth * tile * spp;
        if (sums.length < size) {
            sums = new short[size];
        }
        Arrays.fill(sums, 0, size, (short) 0);
        int srcW = source.width();
        int srcH = source.height();
        int stw = source.tileWidth();
        int sth = source.tileHeight();
        int srcAcross = source.tilesAcross();
        int ox0 = c0 * tile;
        int oy0 = row * tile;
        int sx0 = 2 * ox0;
        int sx1 = Math.min(2 * Math.min(c1 * tile, width), srcW);
        int sy0 = 2 * oy0;
        int sy1 = Math.min(2 * Math.min(oy0 + tile, height), srcH);
        for (int ty = sy0 / sth; ty <= (sy1 - 1) / sth; ty++) {
            for (int tx = sx0 / stw; tx <= (sx1 - 1) / stw; tx++) {
                decoded = LowerLevels.decodeFrame(source, ty * srcAcross + tx, decoded);
                int xa = Math.max(sx0, tx * stw);
                int xb = Math.min(sx1, (tx + 1) * stw);
                int ya = Math.max(sy0, ty * sth);
                int yb = Math.min(sy1, (ty + 1) * sth);
                for (int y = ya; y < yb; y++) {
                    int srcRow = ((y - ty * sth) * stw) * spp;
                    int dstRow = ((y / 2 - oy0) * bandWidth) * spp;
                    for (int x = xa; x < xb; x++) {
                        int s = srcRow + (x - tx * stw) * spp;
                        int d = dstRow + (x / 2 - ox0) * spp;
                        for (int k = 0; k < spp; k++) {
                            sums[d + k] += (short) decoded[s + k];
                        }
                    }
                }
            }
        }
    }

    /** Output tile {@code col} of the summed band [c0, c1): averages, edge padding outside the level. */
    private BufferedImage tileImage(int row, int c0, int c1, int col) {
        int bandWidth = (c1 - c0) * tile;
        int srcW = source.width();
        int srcH = source.height();
        BufferedImage img = new BufferedImage(tile, tile, spp == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        int[] rgb = spp == 3 ? ((DataBufferInt) img.getRaster().getDataBuffer()).getData() : null;
        byte[] gray = spp == 1 ? ((DataBufferByte) img.getRaster().getDataBuffer()).getData() : null;
        for (int y = 0; y < tile; y++) {
            int oy = row * tile + y;
            int rows = oy < height ? Math.min(2, srcH - 2 * oy) : 0;
            for (int x = 0; x < tile; x++) {
                int ox = col * tile + x;
                int i = y * tile + x;
                if (rows == 0 || ox >= width) {
                    if (rgb != null) {
                        rgb[i] = 0xFFFFFF;
                    } else {
                        gray[i] = 0;
                    }
                    continue;
                }
                int n = rows * Math.min(2, srcW - 2 * ox);
                int d = (y * bandWidth + (ox - c0 * tile)) * spp;
                if (rgb != null) {
                    int r = (sums[d] + n / 2) / n;
                    int g = (sums[d + 1] + n / 2) / n;
                    int b = (sums[d + 2] + n / 2) / n;
                    rgb[i] = (r << 16) | (g << 8) | b;
                } else {
                    gray[i] = (byte) ((sums[d] + n / 2) / n);
                }
            }
        }
        return img;
    }
}
