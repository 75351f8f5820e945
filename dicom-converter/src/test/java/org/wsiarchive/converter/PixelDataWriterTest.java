package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.wsiarchive.converter.dicom.PixelDataWriter;
import org.wsiarchive.converter.model.FrameSource;

/** Offset tables, including the Extended Offset Table beyond 4 GiB (streamed, never held in memory). */
class PixelDataWriterTest {

    /** Frames of a given size filled with a constant, produced on the fly. */
    record SyntheticFrames(int count, int size) implements FrameSource {
        @Override
        public int frameCount() {
            return count;
        }

        @Override
        public long frameLength(int index) {
            return size;
        }

        @Override
        public void copyFrame(int index, OutputStream out) throws java.io.IOException {
            byte[] chunk = new byte[1 << 20];
            for (int done = 0; done < size; done += chunk.length) {
                out.write(chunk, 0, Math.min(chunk.length, size - done));
            }
        }

        @Override
        public boolean lossless() {
            return true;
        }
    }

    /** Keeps the first bytes written and counts the rest. */
    static final class HeadStream extends OutputStream {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        long count;

        @Override
        public void write(int b) {
            if (count++ < 4096) {
                head.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count < 4096) {
                head.write(b, off, (int) Math.min(len, 4096 - count));
            }
            count += len;
        }
    }

    @Test
    void basicOffsetTableForSmallData() throws Exception {
        HeadStream out = new HeadStream();
        PixelDataWriter.Stats st = PixelDataWriter.writeEncapsulated(new SyntheticFrames(3, 11), out);
        ByteBuffer b = ByteBuffer.wrap(out.head.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x00107FE0, b.getInt(0));
        assertEquals(12, b.getInt(16), "BOT of 3 entries");
        assertEquals(0, b.getInt(20));
        assertEquals(20, b.getInt(24), "odd frames padded to 12 bytes + 8 item header");
        assertEquals(40, b.getInt(28));
        assertEquals(false, st.extendedOffsetTable());
        assertEquals(12 + 8 + 12 + 3 * 20 + 8, out.count);
    }

    @Test
    void extendedOffsetTableBeyond4GiB() throws Exception {
        int frames = 17;
        int size = 256 << 20; // 17 x 256 MiB = 4.25 GiB
        HeadStream out = new HeadStream();
        PixelDataWriter.Stats st = PixelDataWriter.writeEncapsulated(new SyntheticFrames(frames, size), out);
        assertTrue(st.extendedOffsetTable());
        ByteBuffer b = ByteBuffer.wrap(out.head.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x00017FE0, b.getInt(0), "(7FE0,0001) Extended Offset Table");
        assertEquals('O', b.get(4));
        assertEquals('V', b.get(5));
        assertEquals(8 * frames, b.getInt(8));
        assertEquals(0, b.getLong(12));
        assertEquals((long) (size + 8) * (frames - 1), b.getLong(12 + 8 * (frames - 1)));
        int lengths = 12 + 8 * frames;
        assertEquals(0x00027FE0, b.getInt(lengths), "(7FE0,0002) Extended Offset Table Lengths");
        assertEquals(size, b.getLong(lengths + 12));
        int pixelData = lengths + 12 + 8 * frames;
        assertEquals(0x00107FE0, b.getInt(pixelData));
        assertEquals(0, b.getInt(pixelData + 16), "empty Basic Offset Table with the EOT");
        assertEquals(pixelData + 12 + 8 + (long) frames * (size + 8) + 8, out.count);
    }
}
