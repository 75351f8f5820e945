package org.wsiarchive.core.dicom.frames;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Byte ranges of every frame of one stored instance. Immutable, compact (arrays, not objects per frame).
 *
 * <p>Three layouts exist ({@link #kind()}):
 * <ul>
 *   <li>{@link Kind#NATIVE}: frame {@code i} is the single range {@code [base + i*frameSize, +frameSize)}; no per-frame
 *       arrays are kept at all. The bytes are the stored bytes in the file's byte order ({@link #bigEndian()} is true for
 *       Explicit VR Big Endian files, whose 16-bit samples a caller must swap if it wants little endian).</li>
 *   <li>{@link Kind#ENCAPSULATED}: every frame is one or more fragment values (item headers excluded), stored as
 *       parallel {@code long[]}/{@code int[]} arrays; a per-frame start array exists only when some frame spans
 *       several fragments. For the JPEG / JPEG-LS / JPEG 2000 family the single pad byte that follows the final
 *       FFD9 marker of an odd-length codestream is excluded, so a frame's last segment can have odd length and
 *       the frame is exactly the codestream (as PixelMed returns it).</li>
 *   <li>not positional ({@link Kind#DEFLATED}, {@link Kind#BIT_PACKED_UNALIGNED}): the number of frames is known but
 *       frames cannot be served by positional reads; {@link #segmentCount(int)} is 0, {@link #frameLength(int)} is -1
 *       and the caller must use the slow path (decode the whole instance).</li>
 * </ul>
 *
 * <p>Binary form ({@link #toBytes()}), version 1, all multi-byte integers are unsigned LEB128 varints unless stated:
 * <pre>
 *   "FIDX" magic (4 bytes) | version (1 byte) = 1 | kind (1 byte) | flags (1 byte: bit0 big endian,
 *   bit1 multi-segment frames) | reserved (1 byte) = 0 | frameCount
 *   NATIVE:       base offset | frame size
 *   ENCAPSULATED: segment total | [multi-segment: segments per frame, frameCount values]
 *                 | per segment: zigzag(offset - end of previous segment) , length
 *   CRC-32 of everything before it (4 bytes, big endian)
 * </pre>
 * Consecutive fragments are normally 8 bytes apart (one item header), so an encapsulated frame costs about 1 + 3 bytes.
 */
public final class FrameIndex {

    /** Layout of the pixel data, see the class comment. */
    public enum Kind {
        NATIVE(0, true), ENCAPSULATED(1, true),
        /** Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99): the whole dataset is zlib-compressed. */
        DEFLATED(2, false),
        /** BitsAllocated=1 (or another non-multiple of 8) with frames that do not start on a byte boundary. */
        BIT_PACKED_UNALIGNED(3, false);

        final int code;
        final boolean positional;

        Kind(int code, boolean positional) {
            this.code = code;
            this.positional = positional;
        }

        static Kind ofCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown frame index kind " + code);
        }
    }

    static final byte[] MAGIC = {'F', 'I', 'D', 'X'};
    static final int VERSION = 1;
    private static final int FLAG_BIG_ENDIAN = 1;
    private static final int FLAG_MULTI_SEGMENT = 2;

    private final Kind kind;
    private final int frameCount;
    private final boolean bigEndian;
    // NATIVE
    private final long nativeBase;
    private final long nativeFrameSize;
    // ENCAPSULATED
    private final long[] segOffsets;
    private final int[] segLengths;
    /** frameFirstSeg[i]..frameFirstSeg[i+1]-1 are frame i's segments; null means exactly one segment per frame. */
    private final int[] frameFirstSeg;

    private FrameIndex(Kind kind, int frameCount, boolean bigEndian, long nativeBase, long nativeFrameSize,
                       long[] segOffsets, int[] segLengths, int[] frameFirstSeg) {
        this.kind = kind;
        this.frameCount = frameCount;
        this.bigEndian = bigEndian;
        this.nativeBase = nativeBase;
        this.nativeFrameSize = nativeFrameSize;
        this.segOffsets = segOffsets;
        this.segLengths = segLengths;
        this.frameFirstSeg = frameFirstSeg;
    }

    /** Native (uncompressed) frames of {@code frameSize} bytes each, the first at {@code base}. */
    public static FrameIndex ofNative(int frameCount, long base, long frameSize, boolean bigEndian) {
        if (frameCount < 0 || base < 0 || frameSize <= 0) {
            throw new IllegalArgumentException("bad native layout: frames=" + frameCount + " base=" + base + " size=" + frameSize);
        }
        return new FrameIndex(Kind.NATIVE, frameCount, bigEndian, base, frameSize, null, null, null);
    }

    /**
     * Encapsulated frames. {@code frameFirstSeg} has frameCount+1 entries (the last equals the segment count) or is
     * null when there is exactly one segment per frame. Arrays are not copied: callers must not modify them.
     */
    public static FrameIndex ofEncapsulated(int frameCount, long[] segOffsets, int[] segLengths, int[] frameFirstSeg) {
        Objects.requireNonNull(segOffsets);
        Objects.requireNonNull(segLengths);
        if (segOffsets.length != segLengths.length) {
            throw new IllegalArgumentException("offset/length arrays differ in size");
        }
        if (frameFirstSeg == null) {
            if (segOffsets.length != frameCount) {
                throw new IllegalArgumentException("one segment per frame expected: " + segOffsets.length + " != " + frameCount);
            }
        } else {
            if (frameFirstSeg.length != frameCount + 1 || frameFirstSeg[0] != 0 || frameFirstSeg[frameCount] != segOffsets.length) {
                throw new IllegalArgumentException("frame start array inconsistent with segment arrays");
            }
            for (int i = 0; i < frameCount; i++) {
                if (frameFirstSeg[i + 1] <= frameFirstSeg[i]) {
                    throw new IllegalArgumentException("frame " + i + " has no segment");
                }
            }
            boolean allSingle = true;
            for (int i = 0; i < frameCount && allSingle; i++) {
                allSingle = frameFirstSeg[i + 1] - frameFirstSeg[i] == 1;
            }
            if (allSingle) {
                frameFirstSeg = null;
            }
        }
        for (int s = 0; s < segOffsets.length; s++) {
            if (segOffsets[s] < 0 || segLengths[s] < 0) {
                throw new IllegalArgumentException("negative offset or length in segment " + s);
            }
        }
        return new FrameIndex(Kind.ENCAPSULATED, frameCount, false, 0, 0, segOffsets, segLengths, frameFirstSeg);
    }

    /** Frames that cannot be read positionally (deflated, unaligned bit-packed); the caller falls back to decoding. */
    public static FrameIndex notPositional(Kind kind, int frameCount) {
        if (kind.positional) {
            throw new IllegalArgumentException(kind + " is positional");
        }
        return new FrameIndex(kind, frameCount, false, 0, 0, null, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** True when every frame can be served by positional reads of the stored file. */
    public boolean positional() {
        return kind.positional;
    }

    public int frameCount() {
        return frameCount;
    }

    public boolean encapsulated() {
        return kind == Kind.ENCAPSULATED;
    }

    /** Native frames of an Explicit VR Big Endian file (stored byte order). */
    public boolean bigEndian() {
        return bigEndian;
    }

    /** Segments of frame {@code frame} (0-based): 1 for native frames; 0 when not positional. */
    public int segmentCount(int frame) {
        checkFrame(frame);
        return switch (kind) {
            case NATIVE -> 1;
            case ENCAPSULATED -> frameFirstSeg == null ? 1 : frameFirstSeg[frame + 1] - frameFirstSeg[frame];
            default -> 0;
        };
    }

    public long segmentOffset(int frame, int seg) {
        int s = segIndex(frame, seg);
        return kind == Kind.NATIVE ? nativeBase + frame * nativeFrameSize : segOffsets[s];
    }

    public int segmentLength(int frame, int seg) {
        int s = segIndex(frame, seg);
        if (kind == Kind.NATIVE) {
            if (nativeFrameSize > Integer.MAX_VALUE) {
                throw new ArithmeticException("native frame of " + nativeFrameSize + " bytes does not fit an int");
            }
            return (int) nativeFrameSize;
        }
        return segLengths[s];
    }

    /** Total bytes of frame {@code frame}; -1 when not positional. */
    public long frameLength(int frame) {
        checkFrame(frame);
        return switch (kind) {
            case NATIVE -> nativeFrameSize;
            case ENCAPSULATED -> {
                if (frameFirstSeg == null) {
                    yield segLengths[frame];
                }
                long n = 0;
                for (int s = frameFirstSeg[frame]; s < frameFirstSeg[frame + 1]; s++) {
                    n += segLengths[s];
                }
                yield n;
            }
            default -> -1;
        };
    }

    /**
     * Reads one frame with one positional read per segment (one read in the usual single-fragment case).
     *
     * @throws IllegalStateException when the index is not positional
     * @throws java.io.EOFException  when the file is shorter than the index says
     */
    public byte[] readFrame(FileChannel channel, int frame) throws IOException {
        if (!positional()) {
            throw new IllegalStateException("frames of a " + kind + " instance cannot be read positionally");
        }
        long len = frameLength(frame);
        if (len > Integer.MAX_VALUE - 8) {
            throw new IOException("frame " + frame + " of " + len + " bytes is too large for one array");
        }
        byte[] out = new byte[(int) len];
        int at = 0;
        for (int seg = 0, n = segmentCount(frame); seg < n; seg++) {
            int sl = segmentLength(frame, seg);
            ByteBuffer bb = ByteBuffer.wrap(out, at, sl);
            long pos = segmentOffset(frame, seg);
            while (bb.hasRemaining()) {
                int r = channel.read(bb, pos);
                if (r < 0) {
                    throw new java.io.EOFException("file ends at " + pos + " inside frame " + frame);
                }
                pos += r;
            }
            at += sl;
        }
        return out;
    }

    private void checkFrame(int frame) {
        if (frame < 0 || frame >= frameCount) {
            throw new IndexOutOfBoundsException("frame " + frame + " of " + frameCount);
        }
    }

    private int segIndex(int frame, int seg) {
        int n = segmentCount(frame);
        if (seg < 0 || seg >= n) {
            throw new IndexOutOfBoundsException("segment " + seg + " of " + n + " in frame " + frame + " (" + kind + ")");
        }
        if (kind == Kind.NATIVE) {
            return 0;
        }
        return frameFirstSeg == null ? frame : frameFirstSeg[frame] + seg;
    }

    /** Total number of stored segments (fragments) over all frames; 0 for native and not positional layouts. */
    public int totalSegments() {
        return segOffsets == null ? 0 : segOffsets.length;
    }

    // ------------------------------------------------------------------------------------------------ binary form

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + (segOffsets == null ? 16 : segOffsets.length * 5));
        out.writeBytes(MAGIC);
        out.write(VERSION);
        out.write(kind.code);
        int flags = (bigEndian ? FLAG_BIG_ENDIAN : 0) | (frameFirstSeg != null ? FLAG_MULTI_SEGMENT : 0);
        out.write(flags);
        out.write(0);
        writeVarLong(out, frameCount);
        if (kind == Kind.NATIVE) {
            writeVarLong(out, nativeBase);
            writeVarLong(out, nativeFrameSize);
        } else if (kind == Kind.ENCAPSULATED) {
            writeVarLong(out, segOffsets.length);
            if (frameFirstSeg != null) {
                for (int i = 0; i < frameCount; i++) {
                    writeVarLong(out, frameFirstSeg[i + 1] - frameFirstSeg[i]);
                }
            }
            long prevEnd = 0;
            for (int s = 0; s < segOffsets.length; s++) {
                long gap = segOffsets[s] - prevEnd;
                writeVarLong(out, (gap << 1) ^ (gap >> 63)); // zigzag
                writeVarLong(out, segLengths[s]);
                prevEnd = segOffsets[s] + segLengths[s];
            }
        }
        CRC32 crc = new CRC32();
        byte[] body = out.toByteArray();
        crc.update(body);
        long c = crc.getValue();
        byte[] all = Arrays.copyOf(body, body.length + 4);
        all[body.length] = (byte) (c >>> 24);
        all[body.length + 1] = (byte) (c >>> 16);
        all[body.length + 2] = (byte) (c >>> 8);
        all[body.length + 3] = (byte) c;
        return all;
    }

    /** Parses {@link #toBytes()} output; throws IllegalArgumentException for corrupt or unknown-version input. */
    public static FrameIndex fromBytes(byte[] b) {
        Objects.requireNonNull(b, "bytes");
        if (b.length < 4 + 4 + 1 + 4 || !Arrays.equals(b, 0, 4, MAGIC, 0, 4)) {
            throw new IllegalArgumentException("not a frame index (bad magic or too short: " + b.length + " bytes)");
        }
        int version = b[4] & 0xFF;
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported frame index version " + version + " (supported: " + VERSION + ")");
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        long stored = ((b[b.length - 4] & 0xFFL) << 24) | ((b[b.length - 3] & 0xFFL) << 16)
                | ((b[b.length - 2] & 0xFFL) << 8) | (b[b.length - 1] & 0xFFL);
        if (stored != crc.getValue()) {
            throw new IllegalArgumentException("frame index checksum mismatch (corrupt bytes)");
        }
        Kind kind = Kind.ofCode(b[5] & 0xFF);
        int flags = b[6] & 0xFF;
        Reader r = new Reader(b, 8, b.length - 4);
        int frameCount = r.nextInt();
        FrameIndex result;
        switch (kind) {
            case NATIVE -> result = ofNative(frameCount, r.nextLong(), r.nextLong(), (flags & FLAG_BIG_ENDIAN) != 0);
            case ENCAPSULATED -> {
                int segs = r.nextInt();
                if (segs > (b.length - 12) / 2) {
                    throw new IllegalArgumentException("segment count " + segs + " inconsistent with " + b.length + " bytes");
                }
                int[] first = null;
                if ((flags & FLAG_MULTI_SEGMENT) != 0) {
                    if (frameCount > segs) {
                        throw new IllegalArgumentException("more frames than segments");
                    }
                    first = new int[frameCount + 1];
                    for (int i = 0; i < frameCount; i++) {
                        first[i + 1] = Math.addExact(first[i], r.nextInt());
                    }
                }
                long[] offs = new long[segs];
                int[] lens = new int[segs];
                long prevEnd = 0;
                for (int s = 0; s < segs; s++) {
                    long z = r.nextLong();
                    long gap = (z >>> 1) ^ -(z & 1);
                    offs[s] = prevEnd + gap;
                    lens[s] = r.nextInt();
                    prevEnd = offs[s] + lens[s];
                }
                result = ofEncapsulated(frameCount, offs, lens, first);
            }
            default -> result = notPositional(kind, frameCount);
        }
        if (r.pos != r.end) {
            throw new IllegalArgumentException("trailing bytes in frame index");
        }
        return result;
    }

    private static void writeVarLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static final class Reader {
        final byte[] b;
        int pos;
        final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        long nextLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("frame index truncated");
                }
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("bad varint in frame index");
        }

        int nextInt() {
            long v = nextLong();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("value out of range in frame index: " + v);
            }
            return (int) v;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameIndex f && kind == f.kind && frameCount == f.frameCount && bigEndian == f.bigEndian
                && nativeBase == f.nativeBase && nativeFrameSize == f.nativeFrameSize
                && Arrays.equals(segOffsets, f.segOffsets) && Arrays.equals(segLengths, f.segLengths)
                && Arrays.equals(frameFirstSeg, f.frameFirstSeg);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, frameCount, nativeBase, nativeFrameSize, Arrays.hashCode(segOffsets), Arrays.hashCode(segLengths));
    }

    @Override
    public String toString() {
        return "FrameIndex[" + kind + ", frames=" + frameCount + (kind == Kind.NATIVE ? ", base=" + nativeBase
                + ", frameSize=" + nativeFrameSize : kind == Kind.ENCAPSULATED ? ", segments=" + segOffsets.length : "") + "]";
    }
}
