package org.wsiarchive.converter;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;

/**
 * Benchmark check (bench/convert-bench.sh): every frame of a level-0 DICOM file equals the corresponding tile of a
 * tiled JPEG TIFF directory, byte for byte — the frame is SOI + the JPEGTables body + the tile without its SOI. The
 * TIFF is read through the JDK TIFF plugin, the DICOM pixel data is parsed here (streamed, bounded memory).
 * Usage: {@code BenchTileCheck source.tif level-0.dcm [tiffDirectory]}; exit 0 when identical.
 */
public final class BenchTileCheck {

    public static void main(String[] args) throws Exception {
        Path tif = Path.of(args[0]);
        Path dcm = Path.of(args[1]);
        int dir = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        TIFFDirectory d = TestSupport.jdkTiffDirectory(tif, dir);
        long[] offsets = TestSupport.longs(d, 324);
        long[] counts = TestSupport.longs(d, 325);
        TIFFField tablesField = d.getTIFFField(347);
        byte[] prefix = new byte[] {(byte) 0xFF, (byte) 0xD8};
        if (tablesField != null) {
            byte[] t = tablesField.getAsBytes();
            int end = t.length;
            if ((t[end - 2] & 0xFF) == 0xFF && (t[end - 1] & 0xFF) == 0xD9) {
                end -= 2;
            }
            byte[] p = new byte[2 + end - 2];
            p[0] = (byte) 0xFF;
            p[1] = (byte) 0xD8;
            System.arraycopy(t, 2, p, 2, end - 2);
            prefix = p;
        }
        int frames = 0;
        try (FileChannel src = FileChannel.open(tif);
             DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dcm), 1 << 20))) {
            skipToPixelData(in);
            // Basic Offset Table item
            readItemHeader(in);
            in.skipNBytes(Integer.toUnsignedLong(le32(in)));
            while (true) {
                int tag = readItemHeader(in);
                long len = Integer.toUnsignedLong(le32(in));
                if (tag == 0xE0DDFFFE) {
                    break;
                }
                byte[] frame = in.readNBytes((int) len);
                if (frames >= offsets.length) {
                    fail("more frames than tiles (" + offsets.length + ")");
                }
                ByteBuffer tile = ByteBuffer.allocate((int) counts[frames]);
                src.read(tile, offsets[frames]);
                byte[] t = tile.array();
                int expectLen = prefix.length + t.length - 2;
                boolean same = (frame.length == expectLen || (frame.length == expectLen + 1 && frame[expectLen] == 0))
                        && Arrays.equals(frame, 0, prefix.length, prefix, 0, prefix.length)
                        && Arrays.equals(frame, prefix.length, expectLen, t, 2, t.length);
                if (!same) {
                    fail("frame " + frames + " differs from TIFF tile " + frames);
                }
                frames++;
            }
        }
        if (frames != offsets.length) {
            fail(frames + " frames but " + offsets.length + " tiles");
        }
        System.out.println("OK: all " + frames + " frames of " + dcm.getFileName() + " are bit-identical to the tiles of "
                + tif.getFileName() + " directory " + dir);
    }

    private static void fail(String msg) {
        System.out.println("MISMATCH: " + msg);
        System.exit(1);
    }

    private static int le32(InputStream in) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new EOFException();
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static int readItemHeader(InputStream in) throws IOException {
        return le32(in);
    }

    /** Scans for the (7FE0,0010) OB element with undefined length and positions the stream after its header. */
    private static void skipToPixelData(InputStream in) throws IOException {
        byte[] marker = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        int matched = 0;
        while (matched < marker.length) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("no encapsulated Pixel Data");
            }
            if ((byte) b == marker[matched]) {
                matched++;
            } else {
                matched = (byte) b == marker[0] ? 1 : 0;
            }
        }
    }
}
