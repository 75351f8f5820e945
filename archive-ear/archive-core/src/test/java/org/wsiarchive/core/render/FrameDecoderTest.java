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

    @Test
    void jpegLsIsRefusedWithAReason() throws Exception {
        Stored s = stored(testData().resolve("dicom-misc/pydicom/MR_small_jpeg_ls_lossless.dcm"));
        NotDecodableException e = assertThrows(NotDecodableException.class, () -> FrameDecoder.decode(s.description(), s.frame(0), false));
        assertTrue(e.getMessage().contains("JPEG-LS"), e.getMessage());
    }
}
