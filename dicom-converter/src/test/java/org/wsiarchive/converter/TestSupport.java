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
        ImageReader r = org.wsiarchive.converter.source.TiffImages.jdkTiffReader();
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

    /** A whole pyramid level of one of our JPEG outputs: every frame decoded with ImageIO and placed in its tile. */
    static java.awt.image.BufferedImage levelImage(Path dcm) throws Exception {
        AttributeList h = header(dcm);
        int w = (int) Dcm.lng(h, "TotalPixelMatrixColumns");
        int hh = (int) Dcm.lng(h, "TotalPixelMatrixRows");
        int tw = (int) Dcm.lng(h, "Columns");
        int th = (int) Dcm.lng(h, "Rows");
        int across = (w + tw - 1) / tw;
        Encapsulated enc = encapsulated(dcm);
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, hh, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int t = 0; t < enc.itemValues().size(); t++) {
            java.awt.image.BufferedImage tile = ImageIO.read(new java.io.ByteArrayInputStream(enc.itemValues().get(t)));
            int x0 = (t % across) * tw;
            int y0 = (t / across) * th;
            int cw = Math.min(tw, w - x0);
            int ch = Math.min(th, hh - y0);
            out.setRGB(x0, y0, cw, ch, tile.getRGB(0, 0, cw, ch, null, 0, cw), 0, cw);
        }
        return out;
    }

    /** A whole level as OpenSlide renders it (openslide-write-png, the Debian openslide-tools peer). */
    static java.awt.image.BufferedImage openSlideLevel(Path slide, int level, long width, long height, Path tmp)
            throws Exception {
        Path png = tmp.resolve("openslide-" + slide.getFileName() + "-" + level + ".png");
        ProcResult r = run(List.of("openslide-write-png", slide.toString(), "0", "0", String.valueOf(level),
                String.valueOf(width), String.valueOf(height), png.toString()));
        if (r.exitCode() != 0) {
            throw new IOException("openslide-write-png failed: " + r.output());
        }
        java.awt.image.BufferedImage rgba = ImageIO.read(png.toFile());
        // openslide-write-png writes unpremultiplied RGBA: flatten over white like the converter does
        java.awt.image.BufferedImage rgb = new java.awt.image.BufferedImage(rgba.getWidth(), rgba.getHeight(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = rgb.createGraphics();
        g.drawImage(rgba, 0, 0, java.awt.Color.WHITE, null);
        g.dispose();
        return rgb;
    }

    /** openslide-show-properties as a map (the peer's view of a slide). */
    static java.util.Map<String, String> openSlideProperties(Path slide) throws Exception {
        ProcResult r = run(List.of("openslide-show-properties", slide.toString()));
        java.util.Map<String, String> props = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^([^:\\n]+): '([^'\\n]*)'$").matcher(r.output());
        while (m.find()) {
            props.put(m.group(1), m.group(2));
        }
        return props;
    }

    /**
     * Reference downscale: each output pixel is the mean of the factor x factor block of existing source pixels
     * (output size rounded up), composited over white where the source is transparent.
     */
    static java.awt.image.BufferedImage boxDownsample(java.awt.image.BufferedImage src, int factor) {
        int w = (src.getWidth() + factor - 1) / factor;
        int h = (src.getHeight() + factor - 1) / factor;
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                long r = 0;
                long g = 0;
                long b = 0;
                int n = 0;
                for (int yy = y * factor; yy < Math.min(src.getHeight(), (y + 1) * factor); yy++) {
                    for (int xx = x * factor; xx < Math.min(src.getWidth(), (x + 1) * factor); xx++) {
                        int p = src.getRGB(xx, yy);
                        r += (p >> 16) & 255;
                        g += (p >> 8) & 255;
                        b += p & 255;
                        n++;
                    }
                }
                out.setRGB(x, y, (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n));
            }
        }
        return out;
    }

    /** Peak signal-to-noise ratio (dB) of two same-sized RGB images, over all three channels. */
    static double psnr(java.awt.image.BufferedImage a, java.awt.image.BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new IllegalArgumentException(a.getWidth() + "x" + a.getHeight() + " vs " + b.getWidth() + "x" + b.getHeight());
        }
        double se = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int sh = 0; sh <= 16; sh += 8) {
                    double d = ((p >> sh) & 255) - ((q >> sh) & 255);
                    se += d * d;
                }
            }
        }
        double mse = se / (3.0 * a.getWidth() * a.getHeight());
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
