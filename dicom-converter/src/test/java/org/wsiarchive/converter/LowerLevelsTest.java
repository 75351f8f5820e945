package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.converter.model.ImageFlavor;
import org.wsiarchive.converter.source.ReaderChoice;

/** Missing lower levels are generated (2x2 box filter, JPEG) down to 512 px; complete pyramids get none. */
class LowerLevelsTest {

    @TempDir
    Path tmp;

    static double[] spacing(AttributeList l) throws Exception {
        return Dcm.doubles(Dcm.item(Dcm.item(l, "SharedFunctionalGroupsSequence"), "PixelMeasuresSequence"), "PixelSpacing");
    }

    @Test
    void singleLevelSvsGetsHalvedLevelsDownTo512Pixels() throws Exception {
        Path src = TestSupport.svs("CMU-1-Small-Region.svs");
        Path out = tmp.resolve("cmu");
        ConversionResult r = Converter.convert(src, out, new SlideMetadata(), ConversionOptions.defaults());
        List<ConversionResult.Instance> levels = r.instances().stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).toList();
        // 2220x2967 -> ceil halves until the longer side is <= 512
        int[][] expected = {{2220, 2967}, {1110, 1484}, {555, 742}, {278, 371}};
        assertEquals(expected.length, levels.size(), r.summary());
        assertEquals("copied", levels.get(0).mode(), "level 0 stays a byte copy");
        assertTrue(r.summary().contains("lossy: 3 of them"), r.summary());
        AttributeList base = TestSupport.header(out.resolve("level-0.dcm"));
        double[] baseSpacing = spacing(base);
        Set<String> shared = new HashSet<>();
        BufferedImage openslide = null;
        if (TestSupport.onPath("openslide-write-png")) {
            openslide = TestSupport.openSlideLevel(src, 0, 2220, 2967, tmp);
        }
        for (int k = 1; k < expected.length; k++) {
            Path f = out.resolve("level-" + k + ".dcm");
            AttributeList l = TestSupport.header(f);
            assertEquals(expected[k][0], Dcm.lng(l, "TotalPixelMatrixColumns"));
            assertEquals(expected[k][1], Dcm.lng(l, "TotalPixelMatrixRows"));
            assertEquals(240, Dcm.lng(l, "Columns"), "the source's 240 px tiles are kept");
            assertEquals(240, Dcm.lng(l, "Rows"));
            assertEquals((long) ((expected[k][0] + 239) / 240) * ((expected[k][1] + 239) / 240), Dcm.lng(l, "NumberOfFrames"));
            assertEquals(TestSupport.encapsulated(f).itemValues().size(), Dcm.lng(l, "NumberOfFrames"));
            double[] sp = spacing(l);
            assertEquals(baseSpacing[0] * (1 << k), sp[0], 1e-9, "row spacing doubles per level");
            assertEquals(baseSpacing[1] * (1 << k), sp[1], 1e-9, "column spacing doubles per level");
            assertEquals("DERIVED\\PRIMARY\\VOLUME\\RESAMPLED", Dcm.str(l, "ImageType"));
            assertEquals("YBR_FULL_422", Dcm.str(l, "PhotometricInterpretation"));
            assertEquals("01", Dcm.str(l, "LossyImageCompression"));
            // history: the scanner's JPEG, then one JPEG per generation step
            List<String> methods = List.of(Dcm.str(l, "LossyImageCompressionMethod").split("\\\\"));
            assertEquals(java.util.Collections.nCopies(k + 1, "ISO_10918_1"), methods);
            assertEquals(k + 1, Dcm.doubles(l, "LossyImageCompressionRatio").length);
            assertTrue(Dcm.str(l, "DerivationDescription").contains("2x2 box-filter"), Dcm.str(l, "DerivationDescription"));
            shared.add(Dcm.str(l, "FrameOfReferenceUID") + "|" + Dcm.str(l, "ContainerIdentifier") + "|"
                    + Dcm.str(l, "SeriesInstanceUID") + "|" + Dcm.str(l, "ImagedVolumeWidth"));
            if (openslide != null) {
                double psnr = TestSupport.psnr(TestSupport.levelImage(f), TestSupport.boxDownsample(openslide, 1 << k));
                System.out.printf("CMU generated level %d: PSNR %.1f dB against a %dx box downscale of OpenSlide's level 0%n",
                        k, psnr, 1 << k);
                assertTrue(psnr > 32, "level " + k + " PSNR " + psnr);
            }
            if (TestSupport.onPath("dciodvfy")) {
                assertEquals(List.of(), TestSupport.dciodvfy(f).stream().filter(s -> s.startsWith("Error")).toList());
            }
        }
        shared.add(Dcm.str(base, "FrameOfReferenceUID") + "|" + Dcm.str(base, "ContainerIdentifier") + "|"
                + Dcm.str(base, "SeriesInstanceUID") + "|" + Dcm.str(base, "ImagedVolumeWidth"));
        assertEquals(1, shared.size(), "one frame of reference, container, series and imaged volume: " + shared);
    }

    /** JPEG 2000 pyramids are completed too, from the decoded J2K tiles of their smallest level. */
    @Test
    void jpeg2000PyramidGetsGeneratedLevels() throws Exception {
        Path src = TestSupport.svs("tcga-cr-7395-01a-01-ts1.svs");
        Path out = tmp.resolve("tcga");
        ConversionResult r = Converter.convert(src, out, new SlideMetadata(), ConversionOptions.defaults().withIncludeThumbnail(false));
        List<ConversionResult.Instance> levels = r.instances().stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).toList();
        assertEquals(List.of("4443x3567", "2221x1783", "1111x892", "556x446", "278x223"),
                levels.stream().map(i -> i.width() + "x" + i.height()).toList(), r.summary());
        assertEquals(List.of(), r.warnings().stream().filter(w -> w.startsWith("lower pyramid levels")).toList());
        BufferedImage openslide = TestSupport.onPath("openslide-write-png")
                ? TestSupport.openSlideLevel(src, 1, 2221, 1783, tmp) : null;
        for (int k = 2; k < levels.size(); k++) {
            Path f = out.resolve("level-" + k + ".dcm");
            AttributeList l = TestSupport.header(f);
            assertEquals("DERIVED\\PRIMARY\\VOLUME\\RESAMPLED", Dcm.str(l, "ImageType"));
            // history: the scanner's JPEG 2000, then one JPEG per generation step
            List<String> methods = List.of(Dcm.str(l, "LossyImageCompressionMethod").split("\\\\"));
            assertEquals("ISO_10918_1", methods.get(methods.size() - 1), methods.toString());
            assertEquals(k, methods.size(), methods.toString());
            if (openslide != null) {
                double psnr = TestSupport.psnr(TestSupport.levelImage(f), TestSupport.boxDownsample(openslide, 1 << (k - 1)));
                System.out.printf("TCGA generated level %d: PSNR %.1f dB against OpenSlide's level 1 downscaled%n", k, psnr);
                assertTrue(psnr > 30, "level " + k + " PSNR " + psnr);
            }
            if (TestSupport.onPath("dciodvfy")) {
                assertEquals(List.of(), TestSupport.dciodvfy(f).stream().filter(s -> s.startsWith("Error")).toList());
            }
        }
    }

    @Test
    void completePyramidGetsNoExtraLevelsAndTheOptionTurnsGenerationOff() throws Exception {
        assumeTrue(org.wsiarchive.converter.openslide.OpenSlide.available(), "libopenslide0 not installed");
        // boxes.tiff: Deflate tiles (only OpenSlide reads them), levels down to 37x31: nothing to add
        Path boxes = TestSupport.testdata().resolve("wsi/generic-tiff/boxes.tiff");
        ConversionResult r = Converter.convert(boxes, tmp.resolve("boxes"), new SlideMetadata(),
                ConversionOptions.defaults().withReader(ReaderChoice.OPENSLIDE));
        assertEquals(List.of("300x250", "150x125", "75x62", "37x31"),
                r.instances().stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).map(i -> i.width() + "x" + i.height()).toList());

        ConversionResult off = Converter.convert(TestSupport.svs("CMU-1-Small-Region.svs"), tmp.resolve("off"),
                new SlideMetadata(), ConversionOptions.defaults().withGenerateLowerLevels(false));
        assertEquals(1, off.instances().stream().filter(i -> i.flavor() == ImageFlavor.VOLUME).count());
        assertTrue(off.allPixelsPreserved());
        List<String> names = new ArrayList<>();
        off.instances().forEach(i -> names.add(i.file().getFileName().toString()));
        assertEquals(List.of("level-0.dcm", "thumbnail.dcm", "label.dcm", "overview.dcm"), names);
    }
}
