package org.wsiarchive.converter.jpeg;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.wsiarchive.converter.model.FrameSource;
import org.wsiarchive.converter.tiff.TiffFile;

/**
 * Tiles cut out of one large baseline JPEG scan (e.g. a Hamamatsu NDPI level stored as a single strip) at its
 * restart-marker boundaries, without touching the entropy-coded data.
 *
 * <p>Every restart interval starts with reset DC predictors, so an interval can be moved into another JPEG stream
 * unchanged. A tile is a complete JPEG: SOI, the level's own header segments (JFIF, DQT, DHT, ...) with the SOF
 * size replaced by the tile size and DRI = the source interval, SOS, then the tile's intervals in raster order
 * separated by restart markers renumbered RST0..RST7, and EOI. This needs intervals that form a grid:
 * <ul>
 *   <li>either the interval (R MCUs) divides an MCU row (W MCUs): intervals are horizontal runs of R MCUs and a
 *       tile is k intervals wide (k divides W / R) and m MCU rows high;</li>
 *   <li>or the interval is a whole number n of MCU rows (R = n W): a tile is the full image width and m intervals high;</li>
 * </ul>
 * and the scan must hold a whole number of intervals of each tile row (tile counts are chosen as divisors so that
 * every tile has the same size). Anything else is rejected ({@link #layout}); re-encoding would be needed.
 */
public final class RestartIntervalTiles implements FrameSource {

    /** Geometry of the interval grid and of the tiles cut from it. */
    public record Layout(int mcuW, int mcuH, int mcusPerRow, int mcuRows, int interval, int segWidthMcus,
                         int segHeightMcus, int segCols, int segRows, int tileSegCols, int tileSegRows) {
        public int tileWidth() {
            return tileSegCols * segWidthMcus * mcuW;
        }

        public int tileHeight() {
            return tileSegRows * segHeightMcus * mcuH;
        }

        public int tilesAcross() {
            return segCols / tileSegCols;
        }

        public int tilesDown() {
            return segRows / tileSegRows;
        }
    }

    private final TiffFile file;
    private final Layout layout;
    private final byte[] tileHeader;
    private final long[] segStart;
    private final long[] segLength;
    private final long[] frameLengths;

    /**
     * @param header     the scan's header bytes from SOI up to and including SOS
     * @param segStart   file position of the entropy-coded data of every interval, in scan order
     * @param segLength  its length (without the following RST/EOI marker)
     */
    public RestartIntervalTiles(TiffFile file, byte[] header, Layout layout, long[] segStart, long[] segLength) {
        this.file = file;
        this.layout = layout;
        this.segStart = segStart;
        this.segLength = segLength;
        this.tileHeader = tileHeader(header, layout.tileWidth(), layout.tileHeight(), layout.interval());
        int n = frameCount();
        frameLengths = new long[n];
        int per = layout.tileSegCols() * layout.tileSegRows();
        for (int f = 0; f < n; f++) {
            long len = tileHeader.length + 2L * (per - 1) + 2;
            for (int s : segments(f)) {
                len += segLength[s];
            }
            frameLengths[f] = len;
        }
    }

    /**
     * The tile grid for a scan of {@code mcusPerRow} x {@code mcuRows} MCUs with restart interval {@code interval},
     * or an exception naming the constraint that does not hold. Tiles are chosen as large as possible within
     * {@code targetPixels} pixels (at least one interval).
     */
    public static Layout layout(int mcuW, int mcuH, int mcusPerRow, int mcuRows, int interval, long targetPixels) {
        if (interval <= 0) {
            throw new IllegalArgumentException("the JPEG scan has no restart markers (DRI missing or 0): it cannot be "
                    + "split into tiles without re-encoding");
        }
        int segW;
        int segH;
        if (mcusPerRow % interval == 0) {
            segW = interval;
            segH = 1;
        } else if (interval % mcusPerRow == 0) {
            segW = mcusPerRow;
            segH = interval / mcusPerRow;
            if (mcuRows % segH != 0) {
                throw new IllegalArgumentException("restart interval of " + segH + " MCU rows does not divide the "
                        + mcuRows + " MCU rows of the scan");
            }
        } else {
            throw new IllegalArgumentException("restart interval of " + interval + " MCUs neither divides nor is a "
                    + "multiple of the " + mcusPerRow + " MCUs of one MCU row: intervals do not form a tile grid, so "
                    + "tiles cannot be cut without re-encoding");
        }
        int segCols = mcusPerRow / segW;
        int segRows = mcuRows / segH;
        int segPxW = segW * mcuW;
        int segPxH = segH * mcuH;
        int side = (int) Math.max(1, Math.sqrt((double) targetPixels));
        int k = largestDivisorAtMost(segCols, Math.max(1, side / segPxW));
        long tileW = (long) k * segPxW;
        int m = largestDivisorAtMost(segRows, (int) Math.max(1, targetPixels / tileW / segPxH));
        return new Layout(mcuW, mcuH, mcusPerRow, mcuRows, interval, segW, segH, segCols, segRows, k, m);
    }

    static int largestDivisorAtMost(int n, int max) {
        for (int d = Math.min(n, max); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }

    /** Header of every tile: the scan's header with the SOF size changed and DRI set. */
    static byte[] tileHeader(byte[] header, int w, int h, int interval) {
        JpegStreams.Header hd = JpegStreams.parseHeader(header);
        JpegStreams.FrameInfo fi = JpegStreams.frameInfo(header, hd);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(header.length + 8);
        out.write(0xFF);
        out.write(0xD8);
        for (JpegStreams.Segment s : hd.segments()) {
            int m = s.marker();
            if (m == 0xD8 || m == 0xDD) {
                continue;
            }
            byte[] seg = Arrays.copyOfRange(header, s.offset(), s.offset() + s.length());
            if (m == fi.sofMarker()) {
                seg[5] = (byte) (h >> 8);
                seg[6] = (byte) h;
                seg[7] = (byte) (w >> 8);
                seg[8] = (byte) w;
                out.writeBytes(seg);
                continue;
            }
            if (m == 0xDA) {
                out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDD, 0x00, 0x04, (byte) (interval >> 8), (byte) interval});
            }
            out.writeBytes(seg);
        }
        return out.toByteArray();
    }

    public Layout layout() {
        return layout;
    }

    /** Interval indices of frame {@code f}, in the order they are written. */
    int[] segments(int f) {
        int tx = f % layout.tilesAcross();
        int ty = f / layout.tilesAcross();
        int[] out = new int[layout.tileSegCols() * layout.tileSegRows()];
        int i = 0;
        for (int r = 0; r < layout.tileSegRows(); r++) {
            int row = ty * layout.tileSegRows() + r;
            for (int c = 0; c < layout.tileSegCols(); c++) {
                out[i++] = row * layout.segCols() + tx * layout.tileSegCols() + c;
            }
        }
        return out;
    }

    @Override
    public int frameCount() {
        return layout.tilesAcross() * layout.tilesDown();
    }

    @Override
    public long frameLength(int index) {
        return frameLengths[index];
    }

    @Override
    public void copyFrame(int index, OutputStream out) throws IOException {
        out.write(tileHeader);
        int[] segs = segments(index);
        for (int i = 0; i < segs.length; i++) {
            if (i > 0) {
                out.write(0xFF);
                out.write(0xD0 + ((i - 1) & 7));
            }
            file.copyRange(segStart[segs[i]], segLength[segs[i]], out);
        }
        out.write(0xFF);
        out.write(0xD9);
    }

    @Override
    public boolean lossless() {
        return true;
    }
}
