package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.plugins.tiff.TIFFDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.wsiarchive.converter.model.ImageFlavor;

/** Converts the three Aperio samples once and checks the output from several angles. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SvsConversionTest {

    /** Adobe APP14 with transform 0, written here independently of the code under test. */
    static final byte[] APP14_RGB = hex("FFEE000E41646F626500640000000000");

    /**
     * Sample, expected output files mapped to the TIFF directory they come from (-1: not compared tile by tile),
     * expected level-0 microns per pixel, generated lower levels (LowerLevelsTest checks their content).
     */
    record Sample(String file, Map<String, Integer> levels, List<String> associated, double mpp, List<String> generated) {
        @Override
        public String toString() {
            return file;
        }
    }

    static final List<Sample> SAMPLES = List.of(
            new Sample("CMU-1-Small-Region.svs", Map.of("level-0.dcm", 0),
                    List.of("thumbnail.dcm", "label.dcm", "overview.dcm"), 0.499,
                    List.of("level-1.dcm", "level-2.dcm", "level-3.dcm")),
            new Sample("small.svs", Map.of("level-0.dcm", 0), List.of("thumbnail.dcm"), 0.499, List.of()),
            new Sample("tcga-cr-7395-01a-01-ts1.svs", Map.of("level-0.dcm", 0, "level-1.dcm", 2),
                    List.of("thumbnail.dcm"), 0.25 /* not in the source: the documented default */,
                    List.of("level-2.dcm", "level-3.dcm", "level-4.dcm") /* from the decoded J2K tiles */));

    @TempDir
    static Path tmp;
    final Map<Sample, ConversionResult> results = new LinkedHashMap<>();

    Stream<Sample> samples() {
        return SAMPLES.stream();
    }

    @BeforeAll
    void convertAll() throws Exception {
        for (Sample s : SAMPLES) {
            Path out = tmp.resolve(s.file());
            results.put(s, Converter.convert(TestSupport.svs(s.file()), out, new SlideMetadata(), ConversionOptions.defaults()));
        }
    }

    Path out(Sample s) {
        return results.get(s).outputDir();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void writesOneInstancePerLevelPlusAssociatedImages(Sample s) throws Exception {
        Set<String> expected = new HashSet<>(s.levels().keySet());
        expected.addAll(s.associated());
        expected.addAll(s.generated());
        Set<String> actual = new HashSet<>();
        try (Stream<Path> files = Files.list(out(s))) {
            files.forEach(p -> actual.add(p.getFileName().toString()));
        }
        assertEquals(expected, actual, "no temp directory left behind, exactly the expected files");
        for (String f : expected) {
            AttributeList h = TestSupport.header(out(s).resolve(f));
            assertEquals("1.2.840.10008.5.1.4.1.1.77.1.6", Dcm.str(h, "SOPClassUID"));
            assertEquals("TILED_FULL", Dcm.str(h, "DimensionOrganizationType"));
            assertEquals("SM", Dcm.str(h, "Modality"));
            assertTrue(Dcm.str(h, "SOPInstanceUID").startsWith("2.25."), "own UID root");
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void dciodvfyReportsNoErrors(Sample s) throws Exception {
        assumeTrue(TestSupport.onPath("dciodvfy"), "dciodvfy (dicom3tools) not installed: validation skipped");
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(out(s))) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = TestSupport.dciodvfy(f);
                lines.stream().filter(l -> l.startsWith("Warning")).forEach(l -> System.out.println(f.getFileName() + ": " + l));
                lines.stream().filter(l -> l.startsWith("Error")).forEach(l -> problems.add(f.getFileName() + ": " + l));
            }
        }
        assertEquals(List.of(), problems, "dciodvfy errors");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyFrameIsTheSourceTileByteForByte(Sample s) throws Exception {
        Path src = TestSupport.svs(s.file());
        for (Map.Entry<String, Integer> e : s.levels().entrySet()) {
            TIFFDirectory dir = TestSupport.jdkTiffDirectory(src, e.getValue());
            long[] offsets = TestSupport.longs(dir, 324);
            long[] counts = TestSupport.longs(dir, 325);
            int compression = (int) TestSupport.longs(dir, 259)[0];
            byte[] tables = dir.getTIFFField(347) == null ? null : dir.getTIFFField(347).getAsBytes();
            Path dcm = out(s).resolve(e.getKey());
            TestSupport.Encapsulated enc = TestSupport.encapsulated(dcm);
            assertTrue(enc.delimited(), "sequence delimiter ends the file");
            assertEquals(offsets.length, enc.itemValues().size(), "one frame per tile");
            assertEquals(offsets.length, enc.basicOffsets().length, "basic offset table filled");
            long pos = 0;
            for (int i = 0; i < offsets.length; i++) {
                assertEquals(pos, enc.basicOffsets()[i], "BOT entry " + i);
                pos += 8 + enc.itemValues().get(i).length;
                byte[] tile = TestSupport.readRange(src, offsets[i], counts[i]);
                byte[] expected;
                // Aperio RGB tiles: no JFIF/Adobe marker in the source
                expected = compression == 7 ? TestSupport.expectedJpegFrame(tables, tile, APP14_RGB) : tile;
                TestSupport.assertFrame(expected, enc.itemValues().get(i), "frame " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void geometryAndPixelSpacing(Sample s) throws Exception {
        Path src = TestSupport.svs(s.file());
        TIFFDirectory base = TestSupport.jdkTiffDirectory(src, 0);
        long baseW = TestSupport.longs(base, 256)[0];
        long baseH = TestSupport.longs(base, 257)[0];
        Set<String> frameOfRef = new HashSet<>();
        Set<String> containers = new HashSet<>();
        Set<String> series = new HashSet<>();
        for (Map.Entry<String, Integer> e : s.levels().entrySet()) {
            TIFFDirectory dir = TestSupport.jdkTiffDirectory(src, e.getValue());
            long w = TestSupport.longs(dir, 256)[0];
            long h = TestSupport.longs(dir, 257)[0];
            long tw = TestSupport.longs(dir, 322)[0];
            long th = TestSupport.longs(dir, 323)[0];
            AttributeList l = TestSupport.header(out(s).resolve(e.getKey()));
            assertEquals(w, Dcm.lng(l, "TotalPixelMatrixColumns"));
            assertEquals(h, Dcm.lng(l, "TotalPixelMatrixRows"));
            assertEquals(tw, Dcm.lng(l, "Columns"));
            assertEquals(th, Dcm.lng(l, "Rows"));
            assertEquals(((w + tw - 1) / tw) * ((h + th - 1) / th), Dcm.lng(l, "NumberOfFrames"));
            AttributeList pm = Dcm.item(Dcm.item(l, "SharedFunctionalGroupsSequence"), "PixelMeasuresSequence");
            double[] spacing = Dcm.doubles(pm, "PixelSpacing");
            double expectX = s.mpp() / 1000.0 * baseW / w;
            double expectY = s.mpp() / 1000.0 * baseH / h;
            assertEquals(expectY, spacing[0], expectY * 1e-6, "row spacing");
            assertEquals(expectX, spacing[1], expectX * 1e-6, "column spacing");
            assertTrue(Dcm.doubles(pm, "SliceThickness")[0] > 0, "non-zero slice thickness");
            assertEquals(baseW * s.mpp() / 1000.0, Dcm.doubles(l, "ImagedVolumeWidth")[0], 1e-4);
            assertEquals(baseH * s.mpp() / 1000.0, Dcm.doubles(l, "ImagedVolumeHeight")[0], 1e-4);
            assertTrue(Dcm.doubles(l, "ImagedVolumeDepth")[0] > 0, "non-zero depth");
            assertEquals(e.getValue() == 0 ? "ORIGINAL\\PRIMARY\\VOLUME\\NONE" : "DERIVED\\PRIMARY\\VOLUME\\RESAMPLED",
                    Dcm.str(l, "ImageType"));
            assertEquals("01", Dcm.str(l, "LossyImageCompression"), "source was lossy already");
            assertEquals("1", Dcm.str(l, "TotalPixelMatrixFocalPlanes"));
            assertEquals(1, Dcm.items(l, "OpticalPathSequence"));
            assertNotNull(Dcm.item(l, "OpticalPathSequence").get(Dcm.tag("ICCProfile")), "ICC profile present");
            frameOfRef.add(Dcm.str(l, "FrameOfReferenceUID"));
            containers.add(Dcm.str(l, "ContainerIdentifier"));
            series.add(Dcm.str(l, "SeriesInstanceUID"));
        }
        for (String a : s.associated()) {
            AttributeList l = TestSupport.header(out(s).resolve(a));
            containers.add(Dcm.str(l, "ContainerIdentifier"));
            series.add(Dcm.str(l, "SeriesInstanceUID"));
            frameOfRef.add(Dcm.str(l, "FrameOfReferenceUID"));
        }
        assertEquals(1, frameOfRef.size(), "one frame of reference");
        assertEquals(Set.of(s.file().replace(".svs", "")), containers, "container id defaults to the file stem");
        assertEquals(1, series.size());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void oneFramePerLevelDecodesAndIsNotBlank(Sample s) throws Exception {
        for (String f : s.levels().keySet()) {
            Path dcm = out(s).resolve(f);
            AttributeList l = TestSupport.header(dcm);
            TestSupport.Encapsulated enc = TestSupport.encapsulated(dcm);
            int mid = enc.itemValues().size() / 2;
            byte[] frame = enc.itemValues().get(mid);
            BufferedImage img;
            if ("1.2.840.10008.1.2.4.50".equals(Dcm.str(l, "TransferSyntaxUID"))) {
                img = ImageIO.read(new ByteArrayInputStream(frame));
            } else {
                // the JDK has no JPEG 2000 decoder: use libvips (installed with the test tools) when present
                assumeTrue(TestSupport.onPath("vips"), "vips not installed: JPEG 2000 frame decode skipped");
                Path j2k = tmp.resolve(s.file() + "-" + f + ".j2k");
                Path png = tmp.resolve(s.file() + "-" + f + ".png");
                Files.write(j2k, frame);
                TestSupport.ProcResult r = TestSupport.run(List.of("vips", "copy", j2k.toString(), png.toString()));
                assertEquals(0, r.exitCode(), r.output());
                img = ImageIO.read(png.toFile());
            }
            assertNotNull(img, "frame decodes");
            assertEquals(Dcm.lng(l, "Columns"), img.getWidth());
            assertEquals(Dcm.lng(l, "Rows"), img.getHeight());
            assertTrue(TestSupport.stddev(img) > 3, f + " frame " + mid + " is not blank");
            int rgb = img.getRGB(img.getWidth() / 2, img.getHeight() / 2);
            // H&E: red channel dominates green in tissue or all high in background, never a green cast
            assertTrue(((rgb >> 16) & 255) + 10 >= ((rgb >> 8) & 255), "colours are RGB (no YCbCr mix-up)");
        }
    }

    @Test
    void thumbnailStripsAreJoinedIntoOneJpegAndLabelIsNativeLossless() throws Exception {
        Sample cmu = SAMPLES.get(0);
        Path src = TestSupport.svs(cmu.file());
        // thumbnail: JPEG strips joined with restart markers; decodes to the same pixels as the source strips
        TestSupport.Encapsulated enc = TestSupport.encapsulated(out(cmu).resolve("thumbnail.dcm"));
        assertEquals(1, enc.itemValues().size());
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(enc.itemValues().get(0)));
        assertEquals(574, thumb.getWidth());
        assertEquals(768, thumb.getHeight());
        TIFFDirectory tdir = TestSupport.jdkTiffDirectory(src, 1);
        long[] so = TestSupport.longs(tdir, 273);
        long[] sc = TestSupport.longs(tdir, 279);
        long rps = TestSupport.longs(tdir, 278)[0];
        byte[] tables = tdir.getTIFFField(347).getAsBytes();
        int maxDiff = 0;
        for (int i = 0; i < so.length; i++) {
            byte[] strip = TestSupport.readRange(src, so[i], sc[i]);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(0xFF);
            b.write(0xD8);
            b.writeBytes(APP14_RGB);
            b.write(tables, 2, tables.length - 4);
            b.write(strip, 2, strip.length - 2);
            BufferedImage part = ImageIO.read(new ByteArrayInputStream(b.toByteArray()));
            for (int y = 0; y < part.getHeight(); y++) {
                for (int x = 0; x < part.getWidth(); x++) {
                    int p = part.getRGB(x, y);
                    int q = thumb.getRGB(x, (int) (i * rps) + y);
                    for (int sh = 0; sh <= 16; sh += 8) {
                        maxDiff = Math.max(maxDiff, Math.abs(((p >> sh) & 255) - ((q >> sh) & 255)));
                    }
                }
            }
        }
        assertEquals(0, maxDiff, "joined thumbnail decodes exactly like the separate strips");

        // label: LZW in the source, stored native: identical to the JDK TIFF plugin's decoding
        AttributeList lh = TestSupport.header(out(cmu).resolve("label.dcm"));
        assertEquals("1.2.840.10008.1.2.1", Dcm.str(lh, "TransferSyntaxUID"));
        assertEquals("ORIGINAL\\PRIMARY\\LABEL\\NONE", Dcm.str(lh, "ImageType"));
        assertEquals("YES", Dcm.str(lh, "BurnedInAnnotation"));
        assertEquals("00", Dcm.str(lh, "LossyImageCompression"));
        BufferedImage label = org.wsiarchive.converter.source.TiffImages.jdkTiffReader() instanceof javax.imageio.ImageReader r
                ? readTiff(r, src, 2) : null;
        byte[] file = Files.readAllBytes(out(cmu).resolve("label.dcm"));
        int w = label.getWidth();
        int h = label.getHeight();
        int start = file.length - w * h * 3 - ((w * h * 3) & 1);
        for (int y = 0; y < h; y += 7) {
            for (int x = 0; x < w; x++) {
                int p = start + (y * w + x) * 3;
                int rgb = label.getRGB(x, y);
                assertEquals((rgb >> 16) & 255, file[p] & 255);
                assertEquals((rgb >> 8) & 255, file[p + 1] & 255);
                assertEquals(rgb & 255, file[p + 2] & 255);
            }
        }
        AttributeList oh = TestSupport.header(out(cmu).resolve("overview.dcm"));
        assertEquals("ORIGINAL\\PRIMARY\\OVERVIEW\\NONE", Dcm.str(oh, "ImageType"));
        AttributeList th = TestSupport.header(out(cmu).resolve("thumbnail.dcm"));
        assertEquals("DERIVED\\PRIMARY\\THUMBNAIL\\RESAMPLED", Dcm.str(th, "ImageType"));
        assertTrue(results.get(cmu).instances().stream().anyMatch(i -> i.flavor() == ImageFlavor.LABEL));
    }

    static BufferedImage readTiff(javax.imageio.ImageReader r, Path file, int index) throws Exception {
        try (var in = ImageIO.createImageInputStream(file.toFile())) {
            r.setInput(in);
            return r.read(index);
        } finally {
            r.dispose();
        }
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
