package org.wsiarchive.converter.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;
import org.wsiarchive.converter.model.FrameSource;

/**
 * Appends Pixel Data (and, for more than 4 GiB of frames, the Extended Offset Table) in Explicit VR Little Endian
 * after the header written by PixelMed. Frame lengths are taken first so the offset table precedes the frames; the
 * frames themselves are streamed one at a time.
 */
public final class PixelDataWriter {
    private PixelDataWriter() {
    }

    private static final long MAX_BOT_OFFSET = 0xFFFFFFFFL;

    /** What was written. */
    public record Stats(int frames, long frameBytes, boolean extendedOffsetTable) {
    }

    /** Writes encapsulated Pixel Data: Basic Offset Table (or EOT), one item per frame, sequence delimiter. */
    public static Stats writeEncapsulated(FrameSource frames, OutputStream out) throws IOException {
        return writeEncapsulated(frames, out, frameBytes -> { });
    }

    /** As {@link #writeEncapsulated(FrameSource, OutputStream)}; {@code afterFrame} gets each frame's length once written. */
    public static Stats writeEncapsulated(FrameSource frames, OutputStream out, LongConsumer afterFrame)
            throws IOException {
        int n = frames.frameCount();
        long[] lengths = new long[n];
        long[] offsets = new long[n];
        long pos = 0;
        long payload = 0;
        for (int i = 0; i < n; i++) {
            long len = frames.frameLength(i);
            if (len <= 0 || len + (len & 1) > 0xFFFFFFFEL) {
                throw new IOException("frame " + i + " has an unsupported length " + len);
            }
            lengths[i] = len;
            offsets[i] = pos;
            pos += 8 + len + (len & 1);
            payload += len;
        }
        boolean extended = n > 0 && offsets[n - 1] > MAX_BOT_OFFSET;
        if (extended) {
            // (7FE0,0001) Extended Offset Table and (7FE0,0002) Extended Offset Table Lengths, OV
            writeOvHeader(out, 0x0001, 8L * n);
            for (long o : offsets) {
                writeLongLE(out, o);
            }
            writeOvHeader(out, 0x0002, 8L * n);
            for (long l : lengths) {
                writeLongLE(out, l + (l & 1));
            }
        }
        // (7FE0,0010) OB, undefined length
        out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        // Basic Offset Table item: filled unless the Extended Offset Table is used
        writeItemHeader(out, extended ? 0 : 4L * n);
        if (!extended) {
            for (long o : offsets) {
                writeIntLE(out, o);
            }
        }
        CountingStream counter = new CountingStream(out);
        for (int i = 0; i < n; i++) {
            long len = lengths[i];
            writeItemHeader(out, len + (len & 1));
            long delivered;
            if (out instanceof org.wsiarchive.converter.tiff.ChannelOutput co) {
                long before = co.position();
                frames.copyFrame(i, co);
                delivered = co.position() - before;
            } else {
                counter.reset();
                frames.copyFrame(i, counter);
                delivered = counter.count;
            }
            if (delivered != len) {
                throw new IOException("frame " + i + ": source delivered " + delivered + " bytes, expected " + len);
            }
            if ((len & 1) != 0) {
                out.write(0);
            }
            afterFrame.accept(len);
        }
        // Sequence Delimitation Item
        out.write(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        return new Stats(n, payload, extended);
    }

    /** Writes native 8-bit Pixel Data (OB, defined length) from a single frame source holding all frames in order. */
    public static Stats writeNative(FrameSource frames, OutputStream out) throws IOException {
        return writeNative(frames, out, 8, frameBytes -> { });
    }

    /**
     * Writes native Pixel Data with a defined length: OB for 8-bit samples, OW for 16-bit ones (PS3.5 A.2: native
     * data with more than 8 bits allocated is OW); the frames already hold little-endian words. {@code afterFrame}
     * gets each frame's length once written.
     */
    public static Stats writeNative(FrameSource frames, OutputStream out, int bitsAllocated, LongConsumer afterFrame)
            throws IOException {
        long total = 0;
        for (int i = 0; i < frames.frameCount(); i++) {
            total += frames.frameLength(i);
        }
        long padded = total + (total & 1);
        if (padded > 0xFFFFFFFEL) {
            throw new IOException("native pixel data too large: " + total + " bytes");
        }
        out.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', (byte) (bitsAllocated > 8 ? 'W' : 'B'), 0, 0});
        writeIntLE(out, padded);
        for (int i = 0; i < frames.frameCount(); i++) {
            frames.copyFrame(i, out);
            afterFrame.accept(frames.frameLength(i));
        }
        if ((total & 1) != 0) {
            out.write(0);
        }
        return new Stats(frames.frameCount(), total, false);
    }

    private static void writeOvHeader(OutputStream out, int element, long length) throws IOException {
        out.write(new byte[] {(byte) 0xE0, 0x7F, (byte) element, (byte) (element >> 8), 'O', 'V', 0, 0});
        writeIntLE(out, length);
    }

    private static void writeItemHeader(OutputStream out, long length) throws IOException {
        out.write(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
        writeIntLE(out, length);
    }

    private static void writeIntLE(OutputStream out, long v) throws IOException {
        out.write((int) v);
        out.write((int) (v >> 8));
        out.write((int) (v >> 16));
        out.write((int) (v >> 24));
    }

    private static void writeLongLE(OutputStream out, long v) throws IOException {
        writeIntLE(out, v);
        writeIntLE(out, v >>> 32);
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        void reset() {
            count = 0;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
