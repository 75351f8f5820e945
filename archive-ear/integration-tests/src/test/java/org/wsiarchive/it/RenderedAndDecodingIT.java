package org.wsiarchive.it;

import com.pixelmed.dicom.*;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Server-side decoding, transcoding and rendering on the real stack, checked against decoders that are not ours: the
 * JDK's JPEG reader in this JVM for JPEG frames, DCMTK for RLE (dcmdrle), JPEG lossless (dcmdjpeg, on files dcmcjpeg
 * makes from shared native ones) and JPEG-LS (dcmdjpls), the stored bytes for native frames, and for JPEG 2000 the
 * lossy JPEG encoding of the same slide by the same converter.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RenderedAndDecodingIT {

    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final String OCTET_MULTIPART = "multipart/related; type=\"application/octet-stream\"";

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ArchiveDeployment.ear();
    }

    private final DicomWebClient client = new DicomWebClient(ArchiveDeployment.BASE);

    /** A stored copy of a shared file: its path and header (with the copy's UIDs). */
    record Stored(Path file, AttributeList header) {
        String path() {
            return TestObjects.instancePath(header);
        }

        String series() {
            return path().substring(0, path().indexOf("/instances/"));
        }

        String study() {
            return path().substring(0, path().indexOf("/series/"));
        }

        int integer(AttributeTag tag) {
            return Attribute.getSingleIntegerValueOrDefault(header, tag, 0);
        }
    }

    private static final Map<String, Stored> STORED = new HashMap<>();
    private static List<Stored> pyramid;

    private Stored stored(String relative) throws Exception {
        synchronized (STORED) {
            Stored s = STORED.get(relative);
            if (s == null) {
                s = store(TestObjects.withNewUids(ArchiveDeployment.testdata(relative)));
                STORED.put(relative, s);
            }
            return s;
        }
    }

    private Stored store(Path copy) throws Exception {
        HttpResponse<byte[]> r = client.stow(List.of(copy));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        AttributeList h = new AttributeList();
        h.read(copy.toFile(), TagFromName.PixelData);
        return new Stored(copy, h);
    }

    /** The 12-level pyramid, every level a copy with new SOP Instance UIDs in one new study and series. */
    private List<Stored> pyramid() throws Exception {
        synchronized (STORED) {
            if (pyramid != null) return pyramid;
            String root = "2.25." + new java.math.BigInteger(UUID.randomUUID().toString().replace("-", ""), 16);
            List<Stored> levels = new ArrayList<>();
            for (int level = 0; level < 12; level++) {
                String name = "dicom-wsi/gcp-wsi2dcm_cmu-1-small-region/level-" + level + "-frames-0-"
                        + switch (level) { case 0 -> 30; case 1 -> 9; case 2 -> 4; default -> 1; } + ".dcm";
                Path dir = Files.createDirectories(ItEnvironment.workDir().resolve("objects"));
                Path copy = Files.createTempFile(dir, "level-" + level + "-", ".dcm");
                Files.copy(ArchiveDeployment.testdata(name), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                run("dcmodify", "-nb", "-m", "StudyInstanceUID=" + root + ".1", "-m", "SeriesInstanceUID=" + root + ".2",
                        "-gin", copy.toString());
                levels.add(store(copy));
            }
            pyramid = levels;
            return levels;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }

    private byte[] storedFrame(Stored s, int frame) throws Exception {
        HttpResponse<byte[]> r = client.get(s.path() + "/frames/" + frame, OCTET_MULTIPART + "; transfer-syntax=*");
        assertEquals(200, r.statusCode());
        return DicomWebClient.parts(r).get(0).body();
    }

    private static String reason(HttpResponse<byte[]> r) {
        return r.headers().firstValue("Warning").orElse("") + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    private static BufferedImage image(HttpResponse<byte[]> r) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertNotNull(img, "not a readable image: " + r.headers().firstValue("Content-Type"));
        return img;
    }

    /** Standard deviation of the luminance: a blank image has none. */
    private static double contrast(BufferedImage img) {
        double sum = 0, sq = 0;
        int n = img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                double l = 0.299 * (rgb >> 16 & 0xFF) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF);
                sum += l;
                sq += l * l;
            }
        }
        return Math.sqrt(Math.max(0, sq / n - (sum / n) * (sum / n)));
    }

    private static byte[] rgbBytes(BufferedImage img) {
        byte[] out = new byte[img.getWidth() * img.getHeight() * 3];
        for (int y = 0, o = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                out[o++] = (byte) (rgb >> 16);
                out[o++] = (byte) (rgb >> 8);
                out[o++] = (byte) rgb;
            }
        }
        return out;
    }

    // ---- decoded frames ----------------------------------------------------------------------------------------

    @Test
    void jpegFramesAskedUncompressedAreDecodedLikeTheJdkDecodesThem() throws Exception {
        Stored s = stored("dicom-wsi/gcp-wsi2dcm/jpeg.dicom"); // YBR_FULL_422 baseline JPEG tiles
        HttpResponse<byte[]> r = client.get(s.path() + "/frames/1,12", OCTET_MULTIPART);
        assertEquals(200, r.statusCode(), reason(r));
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        assertEquals(2, parts.size());
        int[] frames = {1, 12};
        for (int k = 0; k < 2; k++) {
            assertEquals("application/octet-stream; transfer-syntax=" + EXPLICIT_LE, parts.get(k).contentType());
            BufferedImage jdk = ImageIO.read(new ByteArrayInputStream(storedFrame(s, frames[k])));
            assertEquals(256 * 256 * 3, parts.get(k).body().length);
            assertArrayEquals(rgbBytes(jdk), parts.get(k).body(), "frame " + frames[k]);
        }
        // single part, and the explicit syntax name, give the same bytes
        HttpResponse<byte[]> single = client.get(s.path() + "/frames/1", "application/octet-stream; transfer-syntax=" + EXPLICIT_LE);
        assertEquals(200, single.statusCode(), reason(single));
        assertArrayEquals(parts.get(0).body(), single.body());
        // transfer-syntax=* still gives the stored bitstream
        assertEquals(0xFFD8, ((storedFrame(s, 1)[0] & 0xFF) << 8) | (storedFrame(s, 1)[1] & 0xFF));
    }

    @Test
    void rleFramesAreDecodedExactlyLikeDcmtk() throws Exception {
        Stored s = stored("dicom-misc/pydicom/MR_small_RLE.dcm");
        Path decompressed = s.file().resolveSibling(s.file().getFileName() + ".native.dcm");
        run("dcmdrle", "+te", s.file().toString(), decompressed.toString());
        AttributeList dcmtk = new AttributeList();
        dcmtk.read(decompressed.toFile());
        short[] words = dcmtk.get(TagFromName.PixelData).getShortValues();
        byte[] expected = new byte[words.length * 2];
        for (int i = 0; i < words.length; i++) {
            expected[2 * i] = (byte) words[i];
            expected[2 * i + 1] = (byte) (words[i] >> 8);
        }
        HttpResponse<byte[]> r = client.get(s.path() + "/frames/1", "application/octet-stream");
        assertEquals(200, r.statusCode(), reason(r));
        assertArrayEquals(expected, r.body());
    }

    @Test
    void jpeg2000FramesDecodeToTheSameSlideAsTheJpegEncoding() throws Exception {
        Stored j2k = stored("dicom-wsi/gcp-wsi2dcm/jpeg2000.dicom"); // lossless, RGB
        Stored jpeg = stored("dicom-wsi/gcp-wsi2dcm/jpeg.dicom"); // the same tiles, lossy
        for (int frame : new int[] {1, 6}) {
            HttpResponse<byte[]> r = client.get(j2k.path() + "/frames/" + frame, OCTET_MULTIPART);
            assertEquals(200, r.statusCode(), reason(r));
            byte[] decoded = DicomWebClient.parts(r).get(0).body();
            byte[] reference = rgbBytes(ImageIO.read(new ByteArrayInputStream(storedFrame(jpeg, frame))));
            assertEquals(reference.length, decoded.length);
            long diff = 0;
            for (int i = 0; i < decoded.length; i++) diff += Math.abs((decoded[i] & 0xFF) - (reference[i] & 0xFF));
            double mean = diff / (double) decoded.length;
            assertTrue(mean < 6, "mean absolute difference to the JPEG encoding of frame " + frame + ": " + mean);
        }
    }

    @Test
    void nativeFramesAreServedAsStored() throws Exception {
        Stored s = stored("dicom-wsi/highdicom/sm_image.dcm");
        HttpResponse<byte[]> r = client.get(s.path() + "/frames/3", OCTET_MULTIPART);
        assertEquals(200, r.statusCode(), reason(r));
        AttributeList full = new AttributeList();
        full.read(s.file().toFile());
        byte[] all = full.get(TagFromName.PixelData).getByteValues();
        assertArrayEquals(Arrays.copyOfRange(all, 2 * 300, 3 * 300), DicomWebClient.parts(r).get(0).body());
    }

    // ---- JPEG lossless and JPEG-LS: decoded, rendered and transcoded exactly as DCMTK decodes them ----------------

    /** A shared file encoded by dcmcjpeg ({@code options}), first made native by {@code decompressor} when compressed. */
    private static Path dcmcjpeg(String source, String decompressor, String... options) throws Exception {
        Path dir = Files.createDirectories(ItEnvironment.workDir().resolve("objects"));
        Path in = ArchiveDeployment.testdata(source);
        if (decompressor != null) {
            Path nativeCopy = Files.createTempFile(dir, "native-", ".dcm");
            run(decompressor, in.toString(), nativeCopy.toString());
            in = nativeCopy;
        }
        Path out = Files.createTempFile(dir, "jpeg-lossless-", ".dcm");
        List<String> command = new ArrayList<>(List.of("dcmcjpeg"));
        command.addAll(List.of(options));
        command.addAll(List.of(in.toString(), out.toString()));
        run(command.toArray(String[]::new));
        return out;
    }

    /** Frame {@code frame} (1-based) as DCMTK's {@code tool} decodes the file: samples interleaved, little endian. */
    private static byte[] dcmtkFrame(Path file, String tool, int frame) throws Exception {
        Path decoded = file.resolveSibling(file.getFileName() + "." + tool + ".dcm");
        if (!Files.exists(decoded)) run(tool, "+te", file.toString(), decoded.toString());
        AttributeList list = new AttributeList();
        list.read(decoded.toFile());
        Attribute pixels = list.get(TagFromName.PixelData);
        byte[] all;
        if (pixels instanceof OtherWordAttribute) {
            short[] w = pixels.getShortValues();
            all = new byte[w.length * 2];
            for (int i = 0; i < w.length; i++) {
                all[2 * i] = (byte) w[i];
                all[2 * i + 1] = (byte) (w[i] >> 8);
            }
        } else {
            all = pixels.getByteValues();
        }
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        int bytes = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 8) / 8;
        int pixelsPerFrame = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0)
                * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int size = pixelsPerFrame * samples * bytes;
        byte[] f = Arrays.copyOfRange(all, (frame - 1) * size, frame * size);
        if (samples > 1 && Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0) == 1) {
            byte[] interleaved = new byte[size];
            for (int s = 0; s < samples; s++) {
                for (int p = 0; p < pixelsPerFrame; p++) {
                    System.arraycopy(f, (s * pixelsPerFrame + p) * bytes, interleaved, (p * samples + s) * bytes, bytes);
                }
            }
            f = interleaved;
        }
        return f;
    }

    /**
     * The decoded frames (multipart and single part), the transcoded instance and a PNG rendition of a stored
     * instance, against DCMTK's decoding of the same file.
     */
    private void assertDecodedLikeDcmtk(Stored s, String expectedTs, String tool, int... frames) throws Exception {
        assertEquals(expectedTs, Attribute.getSingleStringValueOrNull(s.header(), TagFromName.TransferSyntaxUID));
        for (int frame : frames) {
            HttpResponse<byte[]> r = client.get(s.path() + "/frames/" + frame, OCTET_MULTIPART);
            assertEquals(200, r.statusCode(), reason(r));
            DicomWebClient.Part part = DicomWebClient.parts(r).get(0);
            assertEquals("application/octet-stream; transfer-syntax=" + EXPLICIT_LE, part.contentType());
            assertArrayEquals(dcmtkFrame(s.file(), tool, frame), part.body(), s.file() + " frame " + frame);
            HttpResponse<byte[]> single = client.get(s.path() + "/frames/" + frame, "application/octet-stream");
            assertEquals(200, single.statusCode(), reason(single));
            assertArrayEquals(part.body(), single.body());
        }
        // the stored bitstream is still there for clients that take it
        HttpResponse<byte[]> stored = client.get(s.path() + "/frames/" + frames[0], OCTET_MULTIPART + "; transfer-syntax=*");
        assertEquals(200, stored.statusCode(), reason(stored));
        assertEquals(0xFFD8, ((DicomWebClient.parts(stored).get(0).body()[0] & 0xFF) << 8) | (DicomWebClient.parts(stored).get(0).body()[1] & 0xFF));

        HttpResponse<byte[]> transcoded = client.get(s.path(), "application/dicom");
        assertEquals(200, transcoded.statusCode(), reason(transcoded));
        Path t = Files.createTempFile(ItEnvironment.workDir(), "transcoded-", ".dcm");
        Files.write(t, transcoded.body());
        AttributeList list = new AttributeList();
        list.read(t.toFile());
        assertEquals(EXPLICIT_LE, Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID));
        for (int frame : frames) {
            assertArrayEquals(dcmtkFrame(s.file(), tool, frame), dcmtkFrame(t, "dcmconv", frame), "transcoded frame " + frame);
        }

        HttpResponse<byte[]> png = client.get(s.path() + "/frames/" + frames[0] + "/rendered", "image/png");
        assertEquals(200, png.statusCode(), reason(png));
        BufferedImage img = image(png);
        assertEquals(s.integer(TagFromName.Columns), img.getWidth());
        assertEquals(s.integer(TagFromName.Rows), img.getHeight());
        if (s.integer(TagFromName.SamplesPerPixel) == 3) {
            assertArrayEquals(dcmtkFrame(s.file(), tool, frames[0]), rgbBytes(img), "PNG rendition"); // PNG is lossless
        } else {
            assertTrue(contrast(img) > 3, "monochrome rendition is blank: contrast " + contrast(img));
        }
    }

    @Test
    void jpegLosslessFramesAreDecodedRenderedAndTranscodedExactlyLikeDcmdjpeg() throws Exception {
        Stored rgb = store(TestObjects.withNewUids(dcmcjpeg("dicom-misc/US-RGB-8-epicard", null, "+e1")));
        assertDecodedLikeDcmtk(rgb, "1.2.840.10008.1.2.4.70", "dcmdjpeg", 1);
        Stored mr = store(TestObjects.withNewUids(dcmcjpeg("dicom-misc/pydicom/MR_small_RLE.dcm", "dcmdrle", "+el", "+sv", "6")));
        assertDecodedLikeDcmtk(mr, "1.2.840.10008.1.2.4.57", "dcmdjpeg", 1);
        Stored heart = store(TestObjects.withNewUids(dcmcjpeg("dicom-misc/MR-MONO2-8-16x-heart", null, "+e1")));
        assertDecodedLikeDcmtk(heart, "1.2.840.10008.1.2.4.70", "dcmdjpeg", 1, 9, 16);
    }

    @Test
    void jpegLsFramesAreDecodedRenderedAndTranscodedExactlyLikeDcmdjpls() throws Exception {
        assertDecodedLikeDcmtk(stored("dicom-misc/pydicom/MR_small_jpeg_ls_lossless.dcm"), "1.2.840.10008.1.2.4.80", "dcmdjpls", 1);
        assertDecodedLikeDcmtk(stored("dicom-misc/SC1_JLSN.dcm"), "1.2.840.10008.1.2.4.81", "dcmdjpls", 1);
        assertDecodedLikeDcmtk(stored("dicom-wsi/highdicom/sm_image_jpegls.dcm"), "1.2.840.10008.1.2.4.80", "dcmdjpls", 1, 13, 25);
    }

    /** A stored copy of the JPEG-LS MR whose scan is overwritten in the middle (the file itself stays well-formed). */
    private Stored corruptJpegLs() throws Exception {
        synchronized (STORED) {
            Stored s = STORED.get("corrupt JPEG-LS");
            if (s != null) return s;
            Path copy = TestObjects.withNewUids(ArchiveDeployment.testdata("dicom-misc/pydicom/MR_small_jpeg_ls_lossless.dcm"));
            byte[] b = Files.readAllBytes(copy);
            int sos = -1;
            for (int i = 0; i + 1 < b.length; i++) {
                if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xDA) sos = i;
            }
            assertTrue(sos > 0 && sos + 600 < b.length, "no JPEG-LS scan found");
            Arrays.fill(b, sos + 300, sos + 364, (byte) 0xFF);
            Files.write(copy, b);
            s = store(copy);
            STORED.put("corrupt JPEG-LS", s);
            return s;
        }
    }

    @Test
    void aCorruptJpegLsFrameIsRefusedWithTheDecodersReason() throws Exception {
        Stored bad = corruptJpegLs();
        HttpResponse<byte[]> decoded = client.get(bad.path() + "/frames/1", "application/octet-stream");
        assertEquals(406, decoded.statusCode());
        assertTrue(reason(decoded).contains("CharLS"), reason(decoded));
        HttpResponse<byte[]> rendered = client.get(bad.path() + "/frames/1/rendered", "image/png");
        assertEquals(406, rendered.statusCode());
        assertTrue(reason(rendered).contains("JPEG-LS"), reason(rendered));
        // the stored bitstream is served as stored, and the server keeps decoding other instances
        assertEquals(200, client.get(bad.path() + "/frames/1", OCTET_MULTIPART + "; transfer-syntax=*").statusCode());
        Stored good = stored("dicom-misc/pydicom/MR_small_jpeg_ls_lossless.dcm");
        assertEquals(200, client.get(good.path() + "/frames/1", "application/octet-stream").statusCode());
    }

    @Test
    void jpeg2000FramesAreOfferedAsJpegToClientsThatAcceptOnlyJpeg() throws Exception {
        Stored j2k = stored("dicom-wsi/gcp-wsi2dcm/jpeg2000.dicom");
        HttpResponse<byte[]> r = client.get(j2k.path() + "/frames/2", "image/jpeg");
        assertEquals(200, r.statusCode(), reason(r));
        assertEquals("image/jpeg;transfer-syntax=1.2.840.10008.1.2.4.50", r.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
        BufferedImage img = image(r);
        assertEquals(256, img.getWidth());
        byte[] decoded = DicomWebClient.parts(client.get(j2k.path() + "/frames/2", OCTET_MULTIPART)).get(0).body();
        byte[] jpeg = rgbBytes(img);
        long diff = 0;
        for (int i = 0; i < jpeg.length; i++) diff += Math.abs((decoded[i] & 0xFF) - (jpeg[i] & 0xFF));
        assertTrue(diff / (double) jpeg.length < 4, "JPEG rendition differs from the decoded frame by " + diff / (double) jpeg.length);
    }

    // ---- transcoding ----------------------------------------------------------------------------------------------

    @Test
    void instancesWithoutATransferSyntaxAreTranscodedToExplicitLittleEndian() throws Exception {
        for (String name : List.of("dicom-wsi/gcp-wsi2dcm/jpeg2000.dicom", "dicom-wsi/gcp-wsi2dcm/jpeg.dicom",
                "dicom-misc/pydicom/MR_small_RLE.dcm")) {
            Stored s = stored(name);
            HttpResponse<byte[]> r = client.get(s.path(), "multipart/related; type=\"application/dicom\"");
            assertEquals(200, r.statusCode(), name + ": " + reason(r));
            DicomWebClient.Part part = DicomWebClient.parts(r).get(0);
            assertEquals("application/dicom; transfer-syntax=" + EXPLICIT_LE, part.contentType(), name);
            AttributeList list = new AttributeList();
            list.read(new DicomInputStream(new ByteArrayInputStream(part.body())));
            assertEquals(EXPLICIT_LE, Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID), name);
            assertEquals(Attribute.getSingleStringValueOrNull(s.header(), TagFromName.SOPInstanceUID),
                    Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID), name);
            int frames = Math.max(1, s.integer(TagFromName.NumberOfFrames));
            String list1 = String.join(",", java.util.stream.IntStream.rangeClosed(1, frames).mapToObj(Integer::toString).toList());
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            for (DicomWebClient.Part p : DicomWebClient.parts(client.get(s.path() + "/frames/" + list1, OCTET_MULTIPART))) {
                decoded.writeBytes(p.body());
            }
            Attribute pixels = list.get(TagFromName.PixelData);
            byte[] transcoded;
            if (pixels instanceof OtherWordAttribute) {
                short[] w = pixels.getShortValues();
                transcoded = new byte[w.length * 2];
                for (int i = 0; i < w.length; i++) {
                    transcoded[2 * i] = (byte) w[i];
                    transcoded[2 * i + 1] = (byte) (w[i] >> 8);
                }
            } else {
                transcoded = pixels.getByteValues();
            }
            assertArrayEquals(decoded.toByteArray(), Arrays.copyOf(transcoded, decoded.size()), name);
            if (s.integer(TagFromName.SamplesPerPixel) == 3) {
                assertEquals("RGB", Attribute.getSingleStringValueOrNull(list, TagFromName.PhotometricInterpretation), name);
            }
            dcmtkParses(part.body(), name);
        }
        // native instances in other syntaxes (big endian, deflated): the pixel values PixelMed reads from the source
        for (String name : List.of("dicom-misc/pydicom/ExplVR_BigEnd.dcm", "dicom-misc/pydicom/image_dfl.dcm")) {
            Stored s = stored(name);
            HttpResponse<byte[]> r = client.get(s.path(), "application/dicom");
            assertEquals(200, r.statusCode(), name + ": " + reason(r));
            assertEquals("application/dicom;transfer-syntax=" + EXPLICIT_LE, r.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
            AttributeList transcoded = new AttributeList();
            transcoded.read(new DicomInputStream(new ByteArrayInputStream(r.body())));
            AttributeList source = new AttributeList();
            source.read(s.file().toFile());
            Attribute expected = source.get(TagFromName.PixelData), actual = transcoded.get(TagFromName.PixelData);
            if (expected instanceof OtherWordAttribute) {
                assertArrayEquals(expected.getShortValues(), actual.getShortValues(), name);
            } else {
                assertArrayEquals(expected.getByteValues(), actual.getByteValues(), name);
            }
            assertEquals(Attribute.getSingleStringValueOrNull(source, TagFromName.PatientName),
                    Attribute.getSingleStringValueOrNull(transcoded, TagFromName.PatientName), name);
            dcmtkParses(r.body(), name);
        }
        // transfer-syntax=* is still the stored file, byte for byte
        Stored s = stored("dicom-wsi/gcp-wsi2dcm/jpeg2000.dicom");
        HttpResponse<byte[]> asStored = client.get(s.path(), "application/dicom; transfer-syntax=*");
        assertEquals(200, asStored.statusCode());
        assertArrayEquals(Files.readAllBytes(s.file()), asStored.body());
    }

    /** DCMTK's dcmdump reads the whole file without complaint (a second, independent parser). */
    private static void dcmtkParses(byte[] part10, String name) throws Exception {
        Path f = Files.createTempFile(ItEnvironment.workDir(), "transcoded-", ".dcm");
        Files.write(f, part10);
        Process p = new ProcessBuilder("dcmdump", "-q", "+E", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), name);
        assertEquals(0, p.exitValue(), name + ": " + out);
        assertFalse(out.contains("E: "), name + ": " + out);
        Files.delete(f);
    }

    // ---- rendered ---------------------------------------------------------------------------------------------

    @Test
    void labelRendersAsPngAndJpegInTheViewportKeepingItsAspectRatio() throws Exception {
        Stored label = stored("dicom-wsi/3dhistech_FluorCell_4/2"); // 622x465 LABEL, JPEG YBR_FULL_422
        for (String type : List.of("image/png", "image/jpeg")) {
            HttpResponse<byte[]> r = client.get(label.path() + "/rendered?viewport=200,200&quality=80&unknownparameter=1&annotation=patient",
                    type);
            assertEquals(200, r.statusCode(), reason(r));
            assertEquals(type, r.headers().firstValue("Content-Type").orElse(""));
            BufferedImage img = image(r);
            assertEquals(200, img.getWidth(), type);
            assertEquals(Math.round(200 * 465 / 622.0), img.getHeight(), type);
            assertTrue(contrast(img) > 5, type + " rendition is blank: contrast " + contrast(img));
        }
        // the full-size rendition equals the decoded frame (PNG is lossless)
        HttpResponse<byte[]> full = client.get(label.path() + "/rendered", "image/png");
        assertEquals(200, full.statusCode(), reason(full));
        byte[] decoded = DicomWebClient.parts(client.get(label.path() + "/frames/1", OCTET_MULTIPART)).get(0).body();
        assertArrayEquals(decoded, rgbBytes(image(full)));
        // iccprofile=yes embeds the stored profile when there is one
        boolean hasIcc = label.header().get(TagFromName.ICCProfile) != null
                || label.header().get(TagFromName.OpticalPathSequence) instanceof SequenceAttribute seq && seq.getNumberOfItems() > 0
                && seq.getItem(0).getAttributeList().get(TagFromName.ICCProfile) != null;
        HttpResponse<byte[]> icc = client.get(label.path() + "/rendered?iccprofile=yes&viewport=64,64", "image/jpeg");
        assertEquals(200, icc.statusCode(), reason(icc));
        assertEquals(hasIcc, new String(icc.body(), StandardCharsets.ISO_8859_1).contains("ICC_PROFILE"));
        image(icc);
        HttpResponse<byte[]> pngIcc = client.get(label.path() + "/rendered?iccprofile=yes&viewport=64,64", "image/png");
        assertEquals(200, pngIcc.statusCode(), reason(pngIcc));
        assertTrue(new String(pngIcc.body(), StandardCharsets.ISO_8859_1).contains("iCCP"));
        assertEquals(64, image(pngIcc).getWidth()); // the JDK's PNG reader checks the chunk's CRC and parses the profile
        HttpResponse<byte[]> srgb = client.get(label.path() + "/rendered?iccprofile=srgb&viewport=64,64", "image/png");
        assertEquals(200, srgb.statusCode(), reason(srgb));
        assertTrue(contrast(image(srgb)) > 5);
    }

    @Test
    void framesOfAPyramidLevelRenderAsTheirTileAndALevelAsItsWholeMatrix() throws Exception {
        List<Stored> levels = pyramid();
        HttpResponse<byte[]> tile = client.get(levels.get(0).path() + "/frames/1/rendered?viewport=100,100", "image/png");
        assertEquals(200, tile.statusCode(), reason(tile));
        BufferedImage t = image(tile);
        assertEquals(100, t.getWidth());
        assertEquals(100, t.getHeight());
        assertTrue(contrast(t) > 3);

        Stored level2 = levels.get(2); // 555x741 in four 500x500 tiles
        HttpResponse<byte[]> whole = client.get(level2.path() + "/rendered", "image/png");
        assertEquals(200, whole.statusCode(), reason(whole));
        BufferedImage w = image(whole);
        assertEquals(555, w.getWidth());
        assertEquals(741, w.getHeight());
        // the top left 500x500 of the stitched level is its first tile
        byte[] first = rgbBytes(ImageIO.read(new ByteArrayInputStream(storedFrame(level2, 1))));
        byte[] stitched = rgbBytes(w.getSubimage(0, 0, 500, 500));
        assertArrayEquals(first, stitched);
        // and the last tile's visible part lands bottom right
        byte[] last = rgbBytes(ImageIO.read(new ByteArrayInputStream(storedFrame(level2, 4))).getSubimage(0, 0, 55, 241));
        assertArrayEquals(last, rgbBytes(w.getSubimage(500, 500, 55, 241)));
    }

    @Test
    void thumbnailsOfThePyramidComeFromTheSmallestLevelThatFillsThem() throws Exception {
        List<Stored> levels = pyramid();
        Stored expected = levels.get(3); // 277x370: the smallest level at least 256 pixels on its longer side
        HttpResponse<byte[]> reference = client.get(expected.path() + "/rendered?viewport=256,256", "image/jpeg");
        assertEquals(200, reference.statusCode(), reason(reference));
        for (String path : List.of(levels.get(0).series() + "/thumbnail", levels.get(0).study() + "/thumbnail")) {
            HttpResponse<byte[]> r = client.get(path, "image/jpeg");
            assertEquals(200, r.statusCode(), path + ": " + reason(r));
            BufferedImage img = image(r);
            assertEquals(256, img.getHeight(), path);
            assertEquals(Math.round(256 * 277 / 370.0), img.getWidth(), path);
            assertArrayEquals(reference.body(), r.body(), path + " is not level 3 rendered");
        }
        // an instance's thumbnail shows that instance: level 0 (30 tiles) scaled into the same box
        HttpResponse<byte[]> instance = client.get(levels.get(0).path() + "/thumbnail", "image/jpeg");
        assertEquals(200, instance.statusCode(), reason(instance));
        BufferedImage level0 = image(instance);
        assertEquals(256, level0.getHeight());
        assertEquals(Math.round(256 * 2220 / 2967.0), level0.getWidth());
        assertTrue(contrast(level0) > 3);
        HttpResponse<byte[]> small = client.get(levels.get(0).series() + "/thumbnail?viewport=64,64", "image/png");
        assertEquals(200, small.statusCode(), reason(small));
        BufferedImage s = image(small);
        assertEquals(64, s.getHeight());
        assertTrue(contrast(s) > 3);
        HttpResponse<byte[]> frame = client.get(levels.get(0).path() + "/frames/2/thumbnail", null);
        assertEquals(200, frame.statusCode(), reason(frame));
        assertEquals(256, image(frame).getWidth());
    }

    @Test
    void unsupportedRequestsGetTheirStatusAndReason() throws Exception {
        Stored label = stored("dicom-wsi/3dhistech_FluorCell_4/2");
        HttpResponse<byte[]> gif = client.get(label.path() + "/rendered", "image/gif");
        assertEquals(406, gif.statusCode());
        assertTrue(reason(gif).contains("image/jpeg"), reason(gif));
        HttpResponse<byte[]> badViewport = client.get(label.path() + "/rendered?viewport=abc", "image/png");
        assertEquals(400, badViewport.statusCode());
        assertTrue(reason(badViewport).contains("viewport"), reason(badViewport));
        HttpResponse<byte[]> badWindow = client.get(label.path() + "/rendered?window=1", "image/png");
        assertEquals(400, badWindow.statusCode());
        HttpResponse<byte[]> study = client.get(label.study() + "/rendered", "image/jpeg");
        assertEquals(406, study.statusCode());
        assertTrue(reason(study).contains("thumbnail"), reason(study));
        HttpResponse<byte[]> noFrame = client.get(label.path() + "/frames/9/rendered", "image/jpeg");
        assertEquals(404, noFrame.statusCode());
        HttpResponse<byte[]> corrupt = client.get(corruptJpegLs().path() + "/rendered", "image/png");
        assertEquals(406, corrupt.statusCode());
        assertTrue(reason(corrupt).contains("JPEG-LS"), reason(corrupt));
    }

    /** Not a check: prints what decoding and rendering cost on this machine (median of repeated requests). */
    @Test
    void measuresDecodingAndRendering() throws Exception {
        Stored j2k = stored("dicom-wsi/gcp-wsi2dcm/jpeg2000.dicom");
        Stored jpeg = stored("dicom-wsi/gcp-wsi2dcm/jpeg.dicom");
        List<Stored> levels = pyramid();
        measure("frame as stored (JPEG 256x256)", jpeg.path() + "/frames/3", OCTET_MULTIPART + "; transfer-syntax=*");
        measure("frame decoded (JPEG 256x256)", jpeg.path() + "/frames/3", OCTET_MULTIPART);
        measure("frame decoded (JPEG 2000 lossless 256x256)", j2k.path() + "/frames/3", OCTET_MULTIPART);
        measure("frame as JPEG (from JPEG 2000 256x256)", j2k.path() + "/frames/3", "image/jpeg");
        measure("rendered frame (JPEG 500x500 tile to 256 PNG)", levels.get(0).path() + "/frames/5/rendered?viewport=256,256", "image/png");
        measure("thumbnail of the 12-level series", levels.get(0).series() + "/thumbnail", "image/jpeg");
        measure("thumbnail of level 0 (30 tiles of 500x500)", levels.get(0).path() + "/thumbnail", "image/jpeg");
        measure("instance transcoded (JPEG 2000, 12 frames)", j2k.path(), "multipart/related; type=\"application/dicom\"");
    }

    private void measure(String what, String path, String accept) throws Exception {
        long[] ms = new long[7];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> r = client.get(path, accept);
            ms[i] = (System.nanoTime() - t) / 1_000;
            assertEquals(200, r.statusCode(), what + ": " + reason(r));
        }
        Arrays.sort(ms);
        System.out.printf("MEASURE %-50s median %8.1f ms (min %.1f)%n", what, ms[ms.length / 2] / 1000.0, ms[0] / 1000.0);
    }

    @Test
    void monochromeFramesAreWindowed() throws Exception {
        Stored mr = stored("dicom-misc/pydicom/MR_small_RLE.dcm");
        HttpResponse<byte[]> auto = client.get(mr.path() + "/rendered", "image/png");
        assertEquals(200, auto.statusCode(), reason(auto));
        BufferedImage a = image(auto);
        assertEquals(64, a.getWidth());
        assertTrue(contrast(a) > 3, "contrast " + contrast(a));
        // a window entirely below the data is white, entirely above it black
        BufferedImage white = image(client.get(mr.path() + "/rendered?window=-5000,10", "image/png"));
        BufferedImage black = image(client.get(mr.path() + "/rendered?window=100000,10,linear", "image/png"));
        assertEquals(0xFFFFFF, white.getRGB(10, 10) & 0xFFFFFF);
        assertEquals(0, black.getRGB(10, 10) & 0xFFFFFF);
        BufferedImage sigmoid = image(client.get(mr.path() + "/rendered?window=600,800,SIGMOID", "image/png"));
        assertTrue(contrast(sigmoid) > 3);
    }
}
