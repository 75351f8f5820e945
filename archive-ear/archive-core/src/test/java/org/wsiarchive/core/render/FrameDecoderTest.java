package org.wsiarchive.core.render;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.dicom.frames.FrameIndexBuilder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Decoding of real stored frames, compared with independent decoders: the JDK for JPEG, DCMTK for RLE and JPEG files. */
class FrameDecoderTest {

    static Path testData() {
        String p = System.getProperty("testdata.dir");
        Path dir = p != null ? Paths.get(p) : Paths.get("/work/shared/testdata");
        if (!Files.isDirectory(dir.resolve("dicom-wsi"))) dir = Paths.get("/work/shared/testdata");
        return dir;
    }

    record Stored(ImageDescription description, FrameIndex index, Path file) {
        byte[] frame(int n) throws Exception {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return index.readFrame(ch, n);
            }
        }
    }

    static Stored stored(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        String ts = Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID);
        return new Stored(ImageDescription.of(list, ts), FrameIndexBuilder.build(file), file);
    }

    /** Native pixel bytes of frame {@code n} of a file decompressed by DCMTK ({@code tool} dcmdrle / dcmdjpeg). */
    static byte[] dcmtkNative(Path file, String tool, Path dir, int n) throws Exception {
        Path out = dir.resolve(file.getFileName() + "." + tool + ".dcm");
        if (!Files.exists(out)) {
            Process p = new ProcessBuilder(tool, "+te", file.toString(), out.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, tool + ": " + log);
        }
        Stored s = stored(out);
        return s.frame(n);
    }

    @Test
    void jpegWsiTileEqualsTheJdkDecode() throws Exception {
        Stored s = stored(testData().resolve("dicom-wsi/gcp-wsi2dcm/jpeg.dicom"));
        byte[] stored = s.frame(0);
        DecodedFrame f = FrameDecoder.decode(s.description(), stored, false);
        BufferedImage jdk = ImageIO.read(new ByteArrayInputStream(stored));
        assertEquals("RGB", f.photometricInterpretation());
        assertEquals(jdk.getWidth(), f.columns());
        int differing = 0;
        for (int y = 0; y < jdk.getHeight(); y++) {
            for (int x = 0; x < jdk.getWidth(); x++) {
                int rgb = jdk.getRGB(x, y);
                if (f.sample(x, y, 0) != (rgb >> 16 & 0xFF) || f.sample(x, y, 1) != (rgb >> 8 & 0xFF) || f.sample(x, y, 2) != (rgb & 0xFF)) differing++;
            }
        }
        assertEquals(0, differing);
    }

    @Test
    void rleEqualsDcmtk(@TempDir Path dir) throws Exception {
        Path file = testData().resolve("dicom-misc/pydicom/MR_small_RLE.dcm");
        Stored s = stored(file);
        assertArrayEquals(dcmtkNative(file, "dcmdrle", dir, 0), FrameDecoder.decode(s.description(), s.frame(0), false).data());
    }

    @Test
    void jpeg2000LosslessEqualsPixelMedsOwnReading() throws Exception {
        Stored s = stored(testData().resolve("dicom-wsi/gcp-wsi2dcm/jpeg2000.dicom"));
        byte[] stored = s.frame(0);
        DecodedFrame f = FrameDecoder.decode(s.description(), stored, false);
        assertEquals(s.description().columns(), f.columns());
        assertEquals(s.description().rows(), f.rows());
        BufferedImage viaImageIo = ImageIO.read(new ByteArrayInputStream(stored)); // JJ2000 registered by its SPI here
        int[] px = viaImageIo.getRaster().getPixels(0, 0, f.columns(), f.rows(), (int[]) null);
        for (int i = 0; i < px.length; i++) assertEquals(px[i], f.data()[i] & 0xFF, "sample " + i);
    }

    @Test
    void rendersPngAndJpegOfTheViewportSize() throws Exception {
        Stored s = stored(testData().resolve("dicom-wsi/gcp-wsi2dcm/jpeg.dicom"));
        DecodedFrame f = FrameDecoder.decode(s.description(), s.frame(0), false);
        BufferedImage img = Renderer.toImage(f, s.description(), null);
        RenderParameters p = RenderParameters.parse("image/png", Map.of("viewport", "100,50", "iccprofile", "yes"));
        int[] size = Renderer.outputSize(f.columns(), f.rows(), p);
        byte[] png = Renderer.encode(Renderer.scaled(img, size[0], size[1]), p, s.description().iccProfile());
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(size[0], back.getWidth());
        assertEquals(size[1], back.getHeight());
        assertTrue(Math.max(back.getWidth(), back.getHeight()) <= 100);
    }

    // ---- JPEG lossless and JPEG-LS, against DCMTK's decoders ---------------------------------------------------

    /** Runs a DCMTK tool; fails the test with its output when it fails. */
    static void dcmtk(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + log);
    }

    /**
     * A shared native file encoded by dcmcjpeg ({@code options}: +e1 gives .70, +el +sv n gives .57); compressed sources
     * are first made native by {@code decompressor}.
     */
    static Path jpegLossless(Path dir, String source, String decompressor, String name, String... options) throws Exception {
        return encoded("dcmcjpeg", dir, source, decompressor, name, options);
    }

    /** A shared file encoded by DCMTK's {@code encoder} (dcmcjpeg, dcmcjpls) with {@code options}. */
    static Path encoded(String encoder, Path dir, String source, String decompressor, String name, String... options) throws Exception {
        Path in = testData().resolve(source);
        if (decompressor != null) {
            Path nativeCopy = dir.resolve(name + ".native.dcm");
            dcmtk(decompressor, in.toString(), nativeCopy.toString());
            in = nativeCopy;
        }
        Path out = dir.resolve(name + ".dcm");
        String[] command = new String[options.length + 3];
        command[0] = encoder;
        System.arraycopy(options, 0, command, 1, options.length);
        command[options.length + 1] = in.toString();
        command[options.length + 2] = out.toString();
        dcmtk(command);
        return out;
    }

    /** Frame {@code n} as DCMTK decodes it ({@code tool} dcmdjpeg / dcmdjpls), planes interleaved as ours are. */
    static byte[] dcmtkPixels(Path file, String tool, Path dir, int n) throws Exception {
        dcmtkNative(file, tool, dir, n);
        Stored s = stored(dir.resolve(file.getFileName() + "." + tool + ".dcm"));
        assertEquals(FrameDecoder.EXPLICIT_VR_LITTLE_ENDIAN, s.description().transferSyntaxUid());
        return FrameDecoder.decode(s.description(), s.frame(n), false).data();
    }

    /** Every frame of {@code file} decoded here equals DCMTK's decoding, byte for byte. */
    static void assertAllFramesEqualDcmtk(Path file, String tool, String expectedTs, Path dir) throws Exception {
        Stored s = stored(file);
        assertEquals(expectedTs, s.description().transferSyntaxUid(), "transfer syntax of " + file);
        assertNull(FrameDecoder.whyNotDecodable(s.description()));
        for (int n = 0; n < s.index().frameCount(); n++) {
            DecodedFrame f = FrameDecoder.decode(s.description(), s.frame(n), false);
            assertEquals(s.description().columns(), f.columns());
            assertEquals(s.description().rows(), f.rows());
            assertEquals(s.description().samplesPerPixel(), f.samplesPerPixel());
            assertArrayEquals(dcmtkPixels(file, tool, dir, n), f.data(), file.getFileName() + " frame " + (n + 1));
        }
    }

    @Test
    void jpegLossless16BitSignedMonochromeEqualsDcmdjpeg(@TempDir Path dir) throws Exception {
        Path sv1 = jpegLossless(dir, "dicom-misc/pydicom/MR_small_RLE.dcm", "dcmdrle", "mr-sv1", "+e1");
        assertAllFramesEqualDcmtk(sv1, "dcmdjpeg", "1.2.840.10008.1.2.4.70", dir);
        Path sv6 = jpegLossless(dir, "dicom-misc/pydicom/MR_small_RLE.dcm", "dcmdrle", "mr-sv6", "+el", "+sv", "6");
        assertAllFramesEqualDcmtk(sv6, "dcmdjpeg", "1.2.840.10008.1.2.4.57", dir);
        // lossless indeed: the pixels are those of the RLE original
        Stored s = stored(sv6);
        assertArrayEquals(dcmtkNative(testData().resolve("dicom-misc/pydicom/MR_small_RLE.dcm"), "dcmdrle", dir, 0),
                FrameDecoder.decode(s.description(), s.frame(0), false).data());
    }

    @Test
    void jpegLossless8BitMonochromeMultiFrameEqualsDcmdjpeg(@TempDir Path dir) throws Exception {
        Path file = jpegLossless(dir, "dicom-misc/MR-MONO2-8-16x-heart", null, "heart-sv1", "+e1");
        assertEquals(16, stored(file).index().frameCount());
        assertAllFramesEqualDcmtk(file, "dcmdjpeg", "1.2.840.10008.1.2.4.70", dir);
    }

    @Test
    void jpegLossless8BitRgbEqualsDcmdjpeg(@TempDir Path dir) throws Exception {
        Path sv1 = jpegLossless(dir, "dicom-misc/US-RGB-8-epicard", null, "rgb-sv1", "+e1");
        assertAllFramesEqualDcmtk(sv1, "dcmdjpeg", "1.2.840.10008.1.2.4.70", dir);
        Path sv3 = jpegLossless(dir, "dicom-misc/US-RGB-8-epicard", null, "rgb-sv3", "+el", "+sv", "3");
        assertAllFramesEqualDcmtk(sv3, "dcmdjpeg", "1.2.840.10008.1.2.4.57", dir);
        DecodedFrame f = FrameDecoder.decode(stored(sv3).description(), stored(sv3).frame(0), false);
        assertEquals("RGB", f.photometricInterpretation());
        assertEquals(640 * 480 * 3, f.data().length);
    }

    @Test
    void jpegLsLosslessEqualsDcmdjpls(@TempDir Path dir) throws Exception {
        assertAllFramesEqualDcmtk(testData().resolve("dicom-misc/pydicom/MR_small_jpeg_ls_lossless.dcm"), "dcmdjpls",
                "1.2.840.10008.1.2.4.80", dir);
    }

    @Test
    void jpegLsNearLossless12BitEqualsDcmdjpls(@TempDir Path dir) throws Exception {
        assertAllFramesEqualDcmtk(testData().resolve("dicom-misc/SC1_JLSN.dcm"), "dcmdjpls", "1.2.840.10008.1.2.4.81", dir);
    }

    @Test
    void jpegLsRgbWsiTilesEqualDcmdjpls(@TempDir Path dir) throws Exception {
        assertAllFramesEqualDcmtk(testData().resolve("dicom-wsi/highdicom/sm_image_jpegls.dcm"), "dcmdjpls",
                "1.2.840.10008.1.2.4.80", dir);
    }

    @Test
    void jpegLsRgbInEveryInterleaveModeEqualsDcmdjpls(@TempDir Path dir) throws Exception {
        // CharLS writes interleave mode "none" as planes, "line" and "sample" as pixels: all must come out interleaved
        for (String mode : new String[] {"+in", "+il", "+is"}) {
            Path file = encoded("dcmcjpls", dir, "dicom-misc/US-RGB-8-epicard", null, "rgb" + mode, mode);
            assertAllFramesEqualDcmtk(file, "dcmdjpls", "1.2.840.10008.1.2.4.80", dir);
        }
        Path near = encoded("dcmcjpls", dir, "dicom-misc/US-RGB-8-epicard", null, "rgb-near", "+en", "+md", "3", "+in");
        assertAllFramesEqualDcmtk(near, "dcmdjpls", "1.2.840.10008.1.2.4.81", dir);
    }

    @Test
    void corruptJpegLosslessFramesAreNotDecodable(@TempDir Path dir) throws Exception {
        Stored s = stored(jpegLossless(dir, "dicom-misc/US-RGB-8-epicard", null, "rgb-sv1", "+e1"));
        byte[] frame = s.frame(0);
        NotDecodableException garbage = assertThrows(NotDecodableException.class,
                () -> FrameDecoder.decode(s.description(), new byte[] {1, 2, 3, 4, 5}, false));
        assertTrue(garbage.getMessage().contains("SOI"), garbage.getMessage());
        // a header that does not match the instance is refused before anything is allocated from it
        byte[] wrongSize = frame.clone();
        int sof = sofOffset(wrongSize, 0xC3);
        wrongSize[sof + 5] = (byte) 0x7F; // lines: 0x7Fxx
        NotDecodableException size = assertThrows(NotDecodableException.class,
                () -> FrameDecoder.decode(s.description(), wrongSize, false));
        assertTrue(size.getMessage().contains("instance declares"), size.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length / 2);
        assertThrows(NotDecodableException.class, () -> FrameDecoder.decode(s.description(), truncated, false));
    }

    @Test
    void corruptJpegLsFramesAreNotDecodable() throws Exception {
        Stored s = stored(testData().resolve("dicom-misc/SC1_JLSN.dcm"));
        byte[] frame = s.frame(0);
        NotDecodableException garbage = assertThrows(NotDecodableException.class,
                () -> FrameDecoder.decode(s.description(), new byte[] {1, 2, 3, (byte) 0xFF, (byte) 0xD9}, false));
        assertTrue(garbage.getMessage().contains("CharLS"), garbage.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length / 3);
        NotDecodableException cut = assertThrows(NotDecodableException.class,
                () -> FrameDecoder.decode(s.description(), truncated, false));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        // a damaged scan (complete stream, bytes overwritten in the middle) is CharLS's own error, not a crash
        byte[] damaged = frame.clone();
        java.util.Arrays.fill(damaged, damaged.length / 2, damaged.length / 2 + 64, (byte) 0xFF);
        NotDecodableException bad = assertThrows(NotDecodableException.class,
                () -> FrameDecoder.decode(s.description(), damaged, false));
        assertTrue(bad.getMessage().contains("CharLS"), bad.getMessage());
        byte[] wrongSize = frame.clone();
        int sof = sofOffset(wrongSize, 0xF7);
        wrongSize[sof + 5] ^= 0x01; // one line more or less than the instance declares
        NotDecodableException size = assertThrows(NotDecodableException.class,
                () -> FrameDecoder.decode(s.description(), wrongSize, false));
        assertTrue(size.getMessage().contains("instance declares"), size.getMessage());
    }

    @Test
    void missingCharLsIsAReasonNotACrash() throws Exception {
        CharLs missing = CharLs.load("libcharls-not-installed.so.9");
        assertTrue(missing.unavailableReason().contains("install the Debian package libcharls2"), missing.unavailableReason());
        Stored s = stored(testData().resolve("dicom-misc/pydicom/MR_small_jpeg_ls_lossless.dcm"));
        NotDecodableException e = assertThrows(NotDecodableException.class, () -> missing.decode(s.description(), s.frame(0)));
        assertTrue(e.getMessage().contains("libcharls2"), e.getMessage());
        assertNull(CharLs.DEFAULT.unavailableReason(), "libcharls2 is installed on the test machine (archive.sh test)");
    }

    /** Offset of the SOF marker {@code FF type} of a JPEG bitstream (the byte FF). */
    static int sofOffset(byte[] b, int type) {
        for (int i = 2; i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == type) return i;
        }
        throw new AssertionError("no SOF " + Integer.toHexString(type));
    }
}
