package org.wsiarchive.converter;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.ImageInputStream;

/** Independent helpers for the tests: read back DICOM output and TIFF source structures without the code under test. */
final class TestSupport {
    private TestSupport() {
    }

    static Path testdata() {
        String dir = System.getProperty("testdata.dir");
        Path p = dir != null ? Path.of(dir) : Path.of("/work/shared/testdata");
        return p.toAbsolutePath().normalize();
    }

    static Path svs(String name) {
        return testdata().resolve("wsi/svs").resolve(name);
    }

    /** Header of a DICOM file, read with PixelMed up to Pixel Data. */
    static AttributeList header(Path file) throws Exception {
        AttributeList l = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            l.read(in, TagFromName.PixelData);
        }
        return l;
    }

    record Encapsulated(long[] basicOffsets, List<byte[]> itemValues, boolean delimited) {
    }

    /** Parses the encapsulated Pixel Data at the end of one of our files (explicit VR little endian). */
    static Encapsulated encapsulated(Path file) throws IOException {
        byte[] d = Files.readAllBytes(file);
        byte[] marker = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        int p = lastIndexOf(d, marker);
        if (p < 0) {
            throw new IOException("no encapsulated pixel data in " + file);
        }
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        p += marker.length;
        List<byte[]> items = new ArrayList<>();
        long[] bot = null;
        boolean delimited = false;
        while (p + 8 <= d.length) {
            int tag = b.getInt(p);
            int len = b.getInt(p + 4);
            p += 8;
            if (tag == 0xE0DDFFFE) {
                delimited = true;
                break;
            }
            if (tag != 0xE000FFFE) {
                throw new IOException("unexpected tag in pixel data: " + Integer.toHexString(tag));
            }
            byte[] v = java.util.Arrays.copyOfRange(d, p, p + len);
            if (bot == null) {
                bot = new long[len / 4];
                for (int i = 0; i < bot.length; i++) {
                    bot[i] = b.getInt(p + 4 * i) & 0xFFFFFFFFL;
                }
            } else {
                items.add(v);
            }
            p += len;
        }
        return new Encapsulated(bot, items, delimited && p == d.length);
    }

    static int lastIndexOf(byte[] d, byte[] m) {
        outer:
        for (int i = d.length - m.length; i >= 0; i--) {
            for (int j = 0; j < m.length; j++) {
                if (d[i + j] != m[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A TIFF directory as seen by the JDK's TIFF plugin (independent of our IFD reader). */
    static TIFFDirectory jdkTiffDirectory(Path file, int index) throws IOException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("tiff");
        ImageReader r = it.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            r.setInput(in);
            return TIFFDirectory.createFromMetadata(r.getImageMetadata(index));
        } finally {
            r.dispose();
        }
    }

    static long[] longs(TIFFDirectory d, int tag) {
        TIFFField f = d.getTIFFField(tag);
        if (f == null) {
            return null;
        }
        long[] out = new long[f.getCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.getAsLong(i);
        }
        return out;
    }

    static byte[] readRange(Path file, long offset, long length) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer buf = ByteBuffer.allocate((int) length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("EOF");
                }
            }
            return buf.array();
        }
    }

    /**
     * The DICOM frame expected for an abbreviated JPEG tile: SOI, the Adobe RGB marker when asked for, the JPEGTables
     * body (between its SOI and EOI) and the tile without its SOI.
     */
    static byte[] expectedJpegFrame(byte[] tables, byte[] tile, byte[] app14) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(0xFF);
        b.write(0xD8);
        if (app14 != null) {
            b.writeBytes(app14);
        }
        b.write(tables, 2, tables.length - 4);
        b.write(tile, 2, tile.length - 2);
        return b.toByteArray();
    }

    /** Checks that an encapsulated item holds exactly the expected bytes (plus one 0x00 pad when odd). */
    static void assertFrame(byte[] expected, byte[] frame, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length + (expected.length & 1), frame.length, what + " length");
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, java.util.Arrays.copyOf(frame, expected.length), what + " bytes");
        if ((expected.length & 1) != 0) {
            org.junit.jupiter.api.Assertions.assertEquals(0, frame[frame.length - 1], what + " padding byte");
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    record ProcResult(int exitCode, String output) {
    }

    static ProcResult run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timeout: " + cmd);
        }
        return new ProcResult(p.exitValue(), out);
    }

    /** Error and warning lines dciodvfy prints for a file. */
    static List<String> dciodvfy(Path file) throws IOException, InterruptedException {
        ProcResult r = run(List.of("dciodvfy", file.toString()));
        return r.output().lines().filter(l -> l.startsWith("Error") || l.startsWith("Warning")).toList();
    }

    /** Standard deviation of the luminance-ish mean of RGB, to detect blank frames. */
    static double stddev(java.awt.image.BufferedImage img) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                double v = (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255)) / 3.0;
                sum += v;
                sq += v * v;
                n++;
            }
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, sq / n - mean * mean));
    }
}
