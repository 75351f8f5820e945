package org.wsiarchive.converter.tiff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One image file directory (IFD): its entries, with values read on demand from the file. Only the directory is
 * parsed; pixel data is never decoded here.
 */
public final class TiffDirectory {

    /** One directory entry: tag, field type, count and either the inline value bytes or the value offset. */
    record Entry(int tag, int type, long count, long valueOffset, byte[] inlineValue) {
        long byteLength() {
            return count * TiffFile.typeSize(type);
        }
    }

    private final TiffFile file;
    private final int index;
    private final long offset;
    private final Map<Integer, Entry> entries;

    private final int chainIndex;

    TiffDirectory(TiffFile file, int index, int chainIndex, long offset, Map<Integer, Entry> entries) {
        this.file = file;
        this.index = index;
        this.chainIndex = chainIndex;
        this.offset = offset;
        this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    public int index() {
        return index;
    }

    /**
     * Position in the main IFD chain (what other TIFF readers, e.g. the JDK plugin and OME-XML's TiffData IFD,
     * count), or -1 for a directory reached through SubIFDs.
     */
    public int chainIndex() {
        return chainIndex;
    }

    public long offset() {
        return offset;
    }

    public boolean has(int tag) {
        return entries.containsKey(tag);
    }

    public java.util.Set<Integer> tags() {
        return entries.keySet();
    }

    /** Raw value bytes of a tag (in the file's byte order), or null when absent. */
    public byte[] bytes(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        if (e.inlineValue() != null) {
            return e.inlineValue();
        }
        long len = e.byteLength();
        if (len > Integer.MAX_VALUE - 16) {
            throw new TiffFormatException("TIFF tag " + tag + " in directory " + index + " is too large (" + len + " bytes)");
        }
        return file.readBytes(e.valueOffset(), (int) len);
    }

    /** All values of an integer-typed tag (BYTE, SHORT, LONG, LONG8, IFD, IFD8 and signed variants). */
    public long[] longs(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        byte[] b = bytes(tag);
        int size = TiffFile.typeSize(e.type());
        int n = (int) e.count();
        long[] out = new long[n];
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(file.byteOrder());
        for (int i = 0; i < n; i++) {
            int p = i * size;
            out[i] = switch (e.type()) {
                case 1, 7 -> b[p] & 0xFF;
                case 6 -> b[p];
                case 3 -> buf.getShort(p) & 0xFFFF;
                case 8 -> buf.getShort(p);
                case 4, 13 -> buf.getInt(p) & 0xFFFFFFFFL;
                case 9 -> buf.getInt(p);
                case 16, 17, 18 -> buf.getLong(p);
                case 5, 10 -> {
                    long num = buf.getInt(p) & 0xFFFFFFFFL;
                    long den = buf.getInt(p + 4) & 0xFFFFFFFFL;
                    yield den == 0 ? 0 : num / den;
                }
                default -> throw new TiffFormatException("TIFF tag " + tag + " has non-integer type " + e.type());
            };
        }
        return out;
    }

    public long longValue(int tag, long defaultValue) throws IOException {
        long[] v = longs(tag);
        return v == null || v.length == 0 ? defaultValue : v[0];
    }

    public long requireLong(int tag) throws IOException {
        long[] v = longs(tag);
        if (v == null || v.length == 0) {
            throw new TiffFormatException("TIFF directory " + index + " lacks required tag " + tag);
        }
        return v[0];
    }

    /** First RATIONAL/FLOAT/DOUBLE value as a double, or NaN. */
    public double doubleValue(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null || e.count() == 0) {
            return Double.NaN;
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes(tag)).order(file.byteOrder());
        return switch (e.type()) {
            case 5 -> {
                long num = buf.getInt(0) & 0xFFFFFFFFL;
                long den = buf.getInt(4) & 0xFFFFFFFFL;
                yield den == 0 ? Double.NaN : (double) num / den;
            }
            case 10 -> {
                int den = buf.getInt(4);
                yield den == 0 ? Double.NaN : (double) buf.getInt(0) / den;
            }
            case 11 -> buf.getFloat(0);
            case 12 -> buf.getDouble(0);
            default -> longs(tag)[0];
        };
    }

    /** ASCII value without the trailing NUL(s), or null when absent. */
    public String string(int tag) throws IOException {
        byte[] b = bytes(tag);
        if (b == null) {
            return null;
        }
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    public int width() throws IOException {
        return (int) requireLong(TiffTags.IMAGE_WIDTH);
    }

    public int height() throws IOException {
        return (int) requireLong(TiffTags.IMAGE_LENGTH);
    }

    public int compression() throws IOException {
        return (int) longValue(TiffTags.COMPRESSION, TiffTags.COMPRESSION_NONE);
    }

    public int photometric() throws IOException {
        return (int) longValue(TiffTags.PHOTOMETRIC, -1);
    }

    public int samplesPerPixel() throws IOException {
        return (int) longValue(TiffTags.SAMPLES_PER_PIXEL, 1);
    }

    public int bitsPerSample() throws IOException {
        return (int) longValue(TiffTags.BITS_PER_SAMPLE, 1);
    }

    public int planarConfiguration() throws IOException {
        return (int) longValue(TiffTags.PLANAR_CONFIGURATION, 1);
    }

    public long newSubfileType() throws IOException {
        return longValue(TiffTags.NEW_SUBFILE_TYPE, 0);
    }

    public boolean isTiled() {
        return has(TiffTags.TILE_WIDTH) && has(TiffTags.TILE_OFFSETS);
    }

    public String description() throws IOException {
        return string(TiffTags.IMAGE_DESCRIPTION);
    }

    /** Offsets of the tiles (tiled) or strips, checked to lie inside the file. */
    public long[] segmentOffsets() throws IOException {
        long[] v = longs(isTiled() ? TiffTags.TILE_OFFSETS : TiffTags.STRIP_OFFSETS);
        if (v == null) {
            throw new TiffFormatException("TIFF directory " + index + " has neither tile nor strip offsets");
        }
        return v;
    }

    public long[] segmentByteCounts() throws IOException {
        long[] v = longs(isTiled() ? TiffTags.TILE_BYTE_COUNTS : TiffTags.STRIP_BYTE_COUNTS);
        if (v == null) {
            throw new TiffFormatException("TIFF directory " + index + " has no tile/strip byte counts");
        }
        return v;
    }

    /** Checks the segment table against the file: same lengths, every byte range inside the file. */
    public void validateSegments() throws IOException {
        long[] off = segmentOffsets();
        long[] cnt = segmentByteCounts();
        if (off.length != cnt.length) {
            throw new TiffFormatException("TIFF directory " + index + ": " + off.length + " offsets but " + cnt.length
                    + " byte counts");
        }
        long size = file.size();
        for (int i = 0; i < off.length; i++) {
            if (off[i] < 0 || cnt[i] < 0 || off[i] + cnt[i] > size) {
                throw new TiffFormatException("TIFF directory " + index + ": segment " + i + " (offset " + off[i]
                        + ", " + cnt[i] + " bytes) lies outside the file (" + size + " bytes)");
            }
        }
    }

    public TiffFile file() {
        return file;
    }

    @Override
    public String toString() {
        try {
            return "IFD#" + index + " " + width() + "x" + height() + " compression=" + compression()
                    + (isTiled() ? " tiled " + requireLong(TiffTags.TILE_WIDTH) + "x" + requireLong(TiffTags.TILE_LENGTH) : " strips");
        } catch (IOException e) {
            return "IFD#" + index;
        }
    }
}
