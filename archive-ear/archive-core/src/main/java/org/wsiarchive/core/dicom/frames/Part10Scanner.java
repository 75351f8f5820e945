package org.wsiarchive.core.dicom.frames;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Focused offset walker over a stored Part 10 file: locates the top-level pixel data element and, for encapsulated
 * pixel data, every fragment item. It reads only element headers and skips values by seeking, so a file is read
 * sequentially once at most (in practice: the header, then 8 bytes per fragment).
 *
 * <p>Not a general parser: values other than the transfer syntax, the offset tables and the fragment item headers are
 * never interpreted. Undefined-length sequences and items are walked to their delimiters; defined-length values and
 * items are skipped. A VR of UN with undefined length is walked as Implicit VR Little Endian (PS3.5 6.2.2).
 */
final class Part10Scanner {

    static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int MAX_DEPTH = 64;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIM = 0xFFFEE00D;
    private static final int SEQ_DELIM = 0xFFFEE0DD;

    /** The only explicit VRs with a 2-byte length field; any other VR made of two upper-case letters has 4 bytes. */
    private static final String SHORT_VRS = "AE AS AT CS DA DS DT FL FD IS LO LT PN SH SL SS ST TM UI UL US";

    private final FileChannel ch;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    private long bufStart = -1;
    private int bufLen;
    /**
     * Bytes read per buffer refill: 64 KiB while walking the header; 4 KiB while jumping from fragment to fragment,
     * so that a file with large fragments is not read in full just to find its item headers.
     */
    private int readAhead = 64 * 1024;

    // results of readMeta()
    private long datasetStart;
    private boolean hasMeta;
    private String metaTransferSyntax;

    Part10Scanner(FileChannel ch) throws IOException {
        this.ch = ch;
        this.size = ch.size();
    }

    long size() {
        return size;
    }

    /** Position of the first dataset element after the (optional) preamble and file meta group. */
    long datasetStart() {
        return datasetStart;
    }

    boolean hasMeta() {
        return hasMeta;
    }

    String metaTransferSyntax() {
        return metaTransferSyntax;
    }

    /** Location of the top-level pixel data element and of the Extended Offset Table, when present. */
    record PixelDataLocation(int tag, String vr, long headerOffset, long valueOffset, long length,
                             long eotOffset, long eotLength, long eotLengthsOffset, long eotLengthsLength) {
        boolean undefinedLength() {
            return length == UNDEFINED;
        }
    }

    /** Fragments of encapsulated pixel data: value offsets/lengths (item headers excluded). */
    record Fragments(long[] basicOffsetTable, long firstItemOffset, long[] valueOffsets, int[] valueLengths, int count,
                     java.util.BitSet endsWithPaddedEoi) {
        long itemOffset(int k) {
            return valueOffsets[k] - 8;
        }
    }

    // ------------------------------------------------------------------------------------------------ meta header

    void readMeta() throws IOException, FrameIndexException {
        long pos;
        if (size >= 132 && u8(128) == 'D' && u8(129) == 'I' && u8(130) == 'C' && u8(131) == 'M') {
            pos = 132;
            hasMeta = true;
        } else if (size >= 8 && u16(0, false) == 0x0002 && isVrLetters(4)) {
            pos = 0; // meta group without preamble
            hasMeta = true;
        } else {
            pos = 0;
            hasMeta = false;
        }
        if (hasMeta) {
            while (pos + 8 <= size && u16(pos, false) == 0x0002) {
                int element = u16(pos + 2, false);
                if (!isVrLetters(pos + 4)) {
                    throw new FrameIndexException("file meta element (0002," + hex4(element) + ") at offset " + pos
                            + " is not Explicit VR Little Endian");
                }
                String vr = vrAt(pos + 4);
                long len;
                long value;
                if (SHORT_VRS.contains(vr)) {
                    len = u16(pos + 6, false);
                    value = pos + 8;
                } else {
                    need(pos, 12, "file meta element header");
                    len = u32(pos + 8, false);
                    value = pos + 12;
                }
                if (len == UNDEFINED) {
                    throw new FrameIndexException("undefined length in file meta element (0002," + hex4(element) + ")");
                }
                need(value, len, "file meta element (0002," + hex4(element) + ") value");
                if (element == 0x0010 && len <= 128) {
                    metaTransferSyntax = readAscii(value, (int) len);
                }
                pos = value + len;
            }
        }
        datasetStart = pos;
    }

    /** Guess for files without a meta header (or without a transfer syntax in it): explicit LE if a VR is present. */
    boolean datasetLooksExplicitLittleEndian() throws IOException, FrameIndexException {
        return datasetStart + 6 <= size && isVrLetters(datasetStart + 4);
    }

    // ------------------------------------------------------------------------------------------------ dataset walk

    /** Walks the top-level dataset to the first pixel data element; null when there is none. */
    PixelDataLocation findPixelData(boolean explicit, boolean bigEndian) throws IOException, FrameIndexException {
        long pos = datasetStart;
        long eotOff = -1, eotLen = 0, eotlOff = -1, eotlLen = 0;
        while (pos < size) {
            need(pos, 8, "element header at top level");
            int tag = tagAt(pos, bigEndian);
            if ((tag >>> 16) == 0xFFFE) {
                throw new FrameIndexException("unexpected item or delimiter tag " + tagString(tag) + " at top level, offset " + pos);
            }
            Header h = header(pos, tag, explicit, bigEndian);
            if (tag == 0x7FE00010 || tag == 0x7FE00008 || tag == 0x7FE00009) {
                return new PixelDataLocation(tag, h.vr, pos, h.valueOffset, h.length, eotOff, eotLen, eotlOff, eotlLen);
            }
            if (tag == 0x7FE00001 && h.length != UNDEFINED) {
                eotOff = h.valueOffset;
                eotLen = h.length;
            } else if (tag == 0x7FE00002 && h.length != UNDEFINED) {
                eotlOff = h.valueOffset;
                eotlLen = h.length;
            }
            pos = skipValue(h, explicit, bigEndian, 0);
        }
        return null;
    }

    private record Header(int tag, String vr, long valueOffset, long length) {
    }

    private Header header(long pos, int tag, boolean explicit, boolean bigEndian) throws IOException, FrameIndexException {
        if (!explicit) {
            return new Header(tag, null, pos + 8, u32(pos + 4, bigEndian));
        }
        if (!isVrLetters(pos + 4)) {
            throw new FrameIndexException("invalid VR bytes 0x" + hex2(u8(pos + 4)) + hex2(u8(pos + 5)) + " for element "
                    + tagString(tag) + " at offset " + pos + " (expected Explicit VR encoding)");
        }
        String vr = vrAt(pos + 4);
        if (SHORT_VRS.contains(vr)) {
            return new Header(tag, vr, pos + 8, u16(pos + 6, bigEndian));
        }
        need(pos, 12, "element header of " + tagString(tag));
        return new Header(tag, vr, pos + 12, u32(pos + 8, bigEndian));
    }

    private long skipValue(Header h, boolean explicit, boolean bigEndian, int depth) throws IOException, FrameIndexException {
        if (h.length != UNDEFINED) {
            need(h.valueOffset, h.length, "value of " + tagString(h.tag));
            return h.valueOffset + h.length;
        }
        if (explicit && !("SQ".equals(h.vr) || "UN".equals(h.vr) || "OB".equals(h.vr) || "OW".equals(h.vr))) {
            throw new FrameIndexException("undefined length not allowed for VR " + h.vr + " of element " + tagString(h.tag)
                    + " at offset " + (h.valueOffset - 12));
        }
        if ("UN".equals(h.vr)) {
            return skipItems(h.valueOffset, false, false, depth + 1, h.tag);
        }
        return skipItems(h.valueOffset, explicit, bigEndian, depth + 1, h.tag);
    }

    /** Skips the items of an undefined-length sequence (or nested encapsulated value) up to its delimiter. */
    private long skipItems(long pos, boolean explicit, boolean bigEndian, int depth, int owner) throws IOException, FrameIndexException {
        if (depth > MAX_DEPTH) {
            throw new FrameIndexException("sequences nested deeper than " + MAX_DEPTH + " levels at offset " + pos);
        }
        long start = pos;
        while (true) {
            need(pos, 8, "item header in undefined-length " + tagString(owner) + " starting at offset " + start
                    + " (no sequence delimiter before end of file)");
            int tag = tagAt(pos, bigEndian);
            long len = u32(pos + 4, bigEndian);
            if (tag == ITEM) {
                if (len == UNDEFINED) {
                    pos = walkItemDataset(pos + 8, explicit, bigEndian, depth);
                } else {
                    need(pos + 8, len, "item of " + tagString(owner));
                    pos = pos + 8 + len;
                }
            } else if (tag == SEQ_DELIM) {
                return pos + 8;
            } else {
                throw new FrameIndexException("bad item tag " + tagString(tag) + " at offset " + pos + " in " + tagString(owner)
                        + " (expected (FFFE,E000) item or (FFFE,E0DD) sequence delimiter)");
            }
        }
    }

    private long walkItemDataset(long pos, boolean explicit, boolean bigEndian, int depth) throws IOException, FrameIndexException {
        long start = pos;
        while (true) {
            need(pos, 8, "element header in undefined-length item starting at offset " + start
                    + " (no item delimiter before end of file)");
            int tag = tagAt(pos, bigEndian);
            if (tag == ITEM_DELIM) {
                return pos + 8;
            }
            if ((tag >>> 16) == 0xFFFE) {
                throw new FrameIndexException("unexpected " + tagString(tag) + " at offset " + pos
                        + " inside item starting at offset " + start);
            }
            Header h = header(pos, tag, explicit, bigEndian);
            pos = skipValue(h, explicit, bigEndian, depth);
        }
    }

    // ------------------------------------------------------------------------------------------------ fragments

    /** Reads the Basic Offset Table and every fragment item header of encapsulated pixel data. */
    Fragments scanFragments(PixelDataLocation pd) throws IOException, FrameIndexException {
        long pos = pd.valueOffset();
        readAhead = 4096;
        need(pos, 8, "Basic Offset Table item of encapsulated Pixel Data");
        int tag = tagAt(pos, false);
        if (tag != ITEM) {
            throw new FrameIndexException("expected Basic Offset Table item (FFFE,E000) at offset " + pos + ", found " + tagString(tag));
        }
        long botLen = u32(pos + 4, false);
        if (botLen == UNDEFINED || botLen % 4 != 0) {
            throw new FrameIndexException("bad Basic Offset Table length " + botLen + " at offset " + pos);
        }
        need(pos + 8, botLen, "Basic Offset Table");
        long[] bot = new long[(int) (botLen / 4)];
        for (int i = 0; i < bot.length; i++) {
            bot[i] = u32(pos + 8 + 4L * i, false);
        }
        pos = pos + 8 + botLen;
        long firstItem = pos;
        long[] offs = new long[64];
        int[] lens = new int[64];
        int n = 0;
        java.util.BitSet paddedEoi = new java.util.BitSet();
        while (true) {
            if (n > 0 && lens[n - 1] >= 3 && pos + 8 <= size) {
                // the item header that follows a fragment is read together with the fragment's last 3 bytes (one fill)
                fill(pos - 3, 11);
                if (u8(pos - 3) == 0xFF && u8(pos - 2) == 0xD9 && (u8(pos - 1) == 0x00 || u8(pos - 1) == 0xFF)) {
                    paddedEoi.set(n - 1);
                }
            }
            if (pos + 8 > size) {
                throw new FrameIndexException("file is truncated: it ends at offset " + size + " inside encapsulated Pixel Data after "
                        + n + " complete fragment(s), before the sequence delimiter (FFFE,E0DD)");
            }
            tag = tagAt(pos, false);
            long len = u32(pos + 4, false);
            if (tag == SEQ_DELIM) {
                break;
            }
            if (tag != ITEM) {
                throw new FrameIndexException("bad item tag " + tagString(tag) + " at offset " + pos + " after fragment " + n
                        + " of encapsulated Pixel Data (expected (FFFE,E000) or (FFFE,E0DD))");
            }
            if (len == UNDEFINED || len > Integer.MAX_VALUE) {
                throw new FrameIndexException("bad fragment length " + len + " at offset " + pos + " (fragment " + n + ")");
            }
            if (pos + 8 + len > size) {
                throw new FrameIndexException("file is truncated: fragment " + n + " at offset " + pos + " declares " + len
                        + " bytes but the file ends at offset " + size);
            }
            if (n == offs.length) {
                offs = Arrays.copyOf(offs, n * 2);
                lens = Arrays.copyOf(lens, n * 2);
            }
            offs[n] = pos + 8;
            lens[n] = (int) len;
            n++;
            pos = pos + 8 + len;
        }
        return new Fragments(bot, firstItem, Arrays.copyOf(offs, n), Arrays.copyOf(lens, n), n, paddedEoi);
    }

    long[] readUInt64LEArray(long offset, long length) throws IOException, FrameIndexException {
        if (length % 8 != 0 || length / 8 > Integer.MAX_VALUE) {
            throw new FrameIndexException("bad 64-bit table length " + length + " at offset " + offset);
        }
        need(offset, length, "64-bit offset table");
        long[] v = new long[(int) (length / 8)];
        for (int i = 0; i < v.length; i++) {
            v[i] = u32(offset + 8L * i, false) | (u32(offset + 8L * i + 4, false) << 32);
        }
        return v;
    }

    /** First two bytes of a value as a big-endian 16-bit marker, or -1 when shorter. */
    int marker(long offset, int length) throws IOException, FrameIndexException {
        return length < 2 ? -1 : (u8(offset) << 8) | u8(offset + 1);
    }

    // ------------------------------------------------------------------------------------------------ primitives

    private void need(long pos, long n, String what) throws FrameIndexException {
        if (pos < 0 || n < 0 || pos + n > size) {
            throw new FrameIndexException("file is truncated: " + what + " needs bytes " + pos + ".." + (pos + n)
                    + " but the file is only " + size + " bytes long");
        }
    }

    private void fill(long pos, int n) throws IOException, FrameIndexException {
        if (bufStart >= 0 && pos >= bufStart && pos + n <= bufStart + bufLen) {
            return;
        }
        need(pos, n, "read");
        buf.clear();
        buf.limit((int) Math.min(Math.max(readAhead, n), size - pos));
        long p = pos;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                break;
            }
            p += r;
        }
        bufStart = pos;
        bufLen = buf.position();
        if (bufLen < n) {
            throw new FrameIndexException("file is truncated: could not read " + n + " bytes at offset " + pos);
        }
    }

    private int u8(long pos) throws IOException, FrameIndexException {
        fill(pos, 1);
        return buf.get((int) (pos - bufStart)) & 0xFF;
    }

    private int u16(long pos, boolean be) throws IOException, FrameIndexException {
        fill(pos, 2);
        int i = (int) (pos - bufStart);
        int a = buf.get(i) & 0xFF, b = buf.get(i + 1) & 0xFF;
        return be ? (a << 8) | b : (b << 8) | a;
    }

    private long u32(long pos, boolean be) throws IOException, FrameIndexException {
        fill(pos, 4);
        int i = (int) (pos - bufStart);
        long a = buf.get(i) & 0xFF, b = buf.get(i + 1) & 0xFF, c = buf.get(i + 2) & 0xFF, d = buf.get(i + 3) & 0xFF;
        return be ? (a << 24) | (b << 16) | (c << 8) | d : (d << 24) | (c << 16) | (b << 8) | a;
    }

    private int tagAt(long pos, boolean be) throws IOException, FrameIndexException {
        return (u16(pos, be) << 16) | u16(pos + 2, be);
    }

    private boolean isVrLetters(long pos) throws IOException, FrameIndexException {
        if (pos + 2 > size) {
            return false;
        }
        int a = u8(pos), b = u8(pos + 1);
        return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z';
    }

    private String vrAt(long pos) throws IOException, FrameIndexException {
        return new String(new char[]{(char) u8(pos), (char) u8(pos + 1)});
    }

    private String readAscii(long pos, int len) throws IOException, FrameIndexException {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) u8(pos + i);
        }
        return new String(b, StandardCharsets.US_ASCII).replace("\0", "").trim();
    }

    static String tagString(int tag) {
        return "(" + hex4(tag >>> 16) + "," + hex4(tag & 0xFFFF) + ")";
    }

    private static String hex4(int v) {
        return String.format("%04X", v & 0xFFFF);
    }

    private static String hex2(int v) {
        return String.format("%02X", v & 0xFF);
    }
}
