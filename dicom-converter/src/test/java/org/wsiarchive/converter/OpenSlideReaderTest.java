package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsiarchive.converter.cli.Wsi2Dicom;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.openslide.OpenSlide;
import org.wsiarchive.converter.source.ReaderChoice;
import org.wsiarchive.converter.source.SourceException;

/**
 * The OpenSlide fallback (forced with --reader openslide, since the shared data has no MRXS/SCN/BIF sample): levels as
 * OpenSlide sees them (openslide-show-properties), pixels close to openslide-write-png, lossy attributes with history.
 */
class OpenSlideReaderTest {

    static final Path NDPI = TestSupport.testdata().resolve("wsi/ndpi/test3-DAPI-2-_387_.ndpi");

    @TempDir
    Path tmp;

    @BeforeEach
    void needsOpenSlide() {
        assumeTrue(OpenSlide.available(), "libopenslide0 not installed");
        assumeTrue(TestSupport.onPath("openslide-show-properties"), "openslide-tools not installed");
    }

    /** Converts through OpenSlide and checks every level against the peer; returns the result. */
    ConversionResult convertAndCompare(Path src, String name, int comparedLevel, String priorMethod) throws Exception {
        Path out = tmp.resolve(name);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Wsi2Dicom.run(new String[] {src.toString(), out.toString(), "--reader", "openslide", "--no-generated-levels"},
                new PrintStream(o), new PrintStream(e));
        assertEquals(0, rc, e.toString());
        assertTrue(o.toString().contains("re-encoded(lossy)") && o.toString().contains("lossy:"), o.toString());
        ConversionResult r = Converter.convert(src, tmp.resolve(name + "-lib"), new SlideMetadata(),
                ConversionOptions.defaults().withReader(ReaderChoice.OPENSLIDE).withGenerateLowerLevels(false));
        assertTrue(r.sourceFormat().contains("via OpenSlide"), r.sourceFormat());

        Map<String, String> peer = TestSupport.openSlideProperties(src);
        int count = Integer.parseInt(peer.get("openslide.level-count"));
        for (int lv = 0; lv < count; lv++) {
            AttributeList l = TestSupport.header(out.resolve("level-" + lv + ".dcm"));
            assertEquals(Long.parseLong(peer.get("openslide.level[" + lv + "].width")), Dcm.lng(l, "TotalPixelMatrixColumns"), "level " + lv);
            assertEquals(Long.parseLong(peer.get("openslide.level[" + lv + "].height")), Dcm.lng(l, "TotalPixelMatrixRows"), "level " + lv);
            assertEquals(lv == 0 ? "DERIVED\\PRIMARY\\VOLUME\\NONE" : "DERIVED\\PRIMARY\\VOLUME\\RESAMPLED", Dcm.str(l, "ImageType"));
            assertEquals("01", Dcm.str(l, "LossyImageCompression"));
            assertEquals(priorMethod + "\\ISO_10918_1", Dcm.str(l, "LossyImageCompressionMethod"), "source step, then ours");
            double[] ratios = Dcm.doubles(l, "LossyImageCompressionRatio");
            assertEquals(2, ratios.length);
            assertTrue(ratios[0] > 1 && ratios[1] > 1, java.util.Arrays.toString(ratios));
            assertTrue(Dcm.str(l, "DerivationDescription").contains("OpenSlide"));
            assertTrue(Dcm.str(Dcm.item(l, "ContributingEquipmentSequence"), "ContributionDescription").contains("OpenSlide"));
            assertEquals("1.2.840.10008.1.2.4.50", Dcm.str(l, "TransferSyntaxUID"));
        }
        assertEquals(count, r.instances().stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).count());
        // pixels: the whole level against OpenSlide's own rendering of it
        long w = Long.parseLong(peer.get("openslide.level[" + comparedLevel + "].width"));
        long h = Long.parseLong(peer.get("openslide.level[" + comparedLevel + "].height"));
        BufferedImage expected = TestSupport.openSlideLevel(src, comparedLevel, w, h, tmp);
        double psnr = TestSupport.psnr(TestSupport.levelImage(out.resolve("level-" + comparedLevel + ".dcm")), expected);
        System.out.printf("%s level %d via OpenSlide: PSNR %.1f dB against openslide-write-png%n", name, comparedLevel, psnr);
        assertTrue(psnr > 40, "q90 4:4:4 JPEG of the same pixels: PSNR " + psnr);
        if (TestSupport.onPath("dciodvfy")) {
            List<String> errors = new ArrayList<>();
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.sorted().toList()) {
                    TestSupport.dciodvfy(f).stream().filter(s -> s.startsWith("Error")).forEach(s -> errors.add(f.getFileName() + ": " + s));
                }
            }
            assertEquals(List.of(), errors);
        }
        return r;
    }

    @Test
    void svsThroughOpenSlide() throws Exception {
        ConversionResult r = convertAndCompare(TestSupport.svs("CMU-1-Small-Region.svs"), "cmu", 0, "ISO_10918_1");
        AttributeList l = TestSupport.header(r.instances().get(0).file());
        assertEquals(240, Dcm.lng(l, "Columns"), "OpenSlide's tile size of the level");
        assertEquals("Aperio", Dcm.str(l, "Manufacturer"));
        assertEquals(0.000499, LowerLevelsTest.spacing(l)[1], 1e-9, "column spacing from openslide.mpp-x");
        assertEquals("20", Dcm.str(Dcm.item(l, "OpticalPathSequence"), "ObjectiveLensPower"));
        // associated images: label, macro and thumbnail, each one re-encoded JPEG frame
        List<ImageFlavor> flavors = r.instances().stream().map(ConversionResult.Instance::flavor).filter(f -> f != ImageFlavor.VOLUME).sorted().toList();
        assertEquals(List.of(ImageFlavor.THUMBNAIL, ImageFlavor.LABEL, ImageFlavor.OVERVIEW), flavors);
        AttributeList label = TestSupport.header(r.outputDir().resolve("label.dcm"));
        assertEquals("DERIVED\\PRIMARY\\LABEL\\NONE", Dcm.str(label, "ImageType"));
        assertEquals("01", Dcm.str(label, "LossyImageCompression"));
        assertEquals(387, Dcm.lng(label, "TotalPixelMatrixColumns"));
    }

    @Test
    void ndpiThroughOpenSlideHasOpenSlidesSevenLevels() throws Exception {
        ConversionResult r = convertAndCompare(NDPI, "ndpi", 3, "ISO_10918_1");
        assertEquals(7, r.instances().stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).count());
        AttributeList l0 = TestSupport.header(r.instances().get(0).file());
        assertEquals(512, Dcm.lng(l0, "Columns"), "NDPI's 8-row strips are no frame size: 512 px tiles");
        assertEquals(512, Dcm.lng(l0, "Rows"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wsi/czi/RGB-8bit.czi", "wsi/vsi/vsi-ets-test-jpg2k.vsi", "wsi/invalid/broken.svs"})
    void unreadableInputsFailCleanlyAndListOpenSlideFormats(String input) throws Exception {
        for (ReaderChoice choice : ReaderChoice.values()) {
            Path out = tmp.resolve("out-" + choice);
            SourceException e = assertThrows(SourceException.class, () -> Converter.convert(
                    TestSupport.testdata().resolve(input), out, new SlideMetadata(),
                    ConversionOptions.defaults().withReader(choice)));
            assertTrue(e.getMessage().startsWith("unsupported format"), e.getMessage());
            assertTrue(e.getMessage().contains("MIRAX") && e.getMessage().contains("Leica SCN")
                    && e.getMessage().contains("Aperio SVS"), "supported formats incl. OpenSlide's: " + e.getMessage());
            NegativeInputTest.assertEmpty(out);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, Wsi2Dicom.run(new String[] {TestSupport.testdata().resolve(input).toString(),
                tmp.resolve("cli").toString(), "--reader", "openslide"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err)));
        assertTrue(err.toString().contains("OpenSlide does not recognise"), err.toString());
        assertNotEquals(0, Wsi2Dicom.run(new String[] {"a", "b", "--reader", "bioformats"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
    }

    /** Without the library (simulated by another library name in a fresh JVM) the error names the Debian package. */
    @Test
    void missingLibraryNamesTheDebianPackage() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        TestSupport.ProcResult p = TestSupport.run(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dwsi2dicom.openslide.library=libopenslide-missing.so.0", "-cp", System.getProperty("java.class.path"),
                Wsi2Dicom.class.getName(), TestSupport.svs("small.svs").toString(), tmp.resolve("x").toString(),
                "--reader", "openslide"));
        assertEquals(1, p.exitCode(), p.output());
        assertTrue(p.output().contains("install the Debian package libopenslide0"), p.output());
        assertTrue(!Files.exists(tmp.resolve("x")) || Files.list(tmp.resolve("x")).findAny().isEmpty(), "no output");
    }
}
