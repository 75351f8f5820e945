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

    /**
     * The converter has no JPEG 2000 decoder (jai-imageio-core, the companion of the JJ2000 plugin, registers a TIFF
     * reader that shadows the JDK's): J2K pyramids are left as they are, with a warning.
     */
    @Test
    void jpeg2000PyramidIsKeptWithAWarning() throws Exception {
        ConversionResult r = Converter.convert(TestSupport.svs("tcga-cr-7395-01a-01-ts1.svs"), tmp.resolve("tcga"),
                new SlideMetadata(), ConversionOptions.defaults().withIncludeThumbnail(false));
        assertEquals(List.of("4443x3567", "2221x1783"), r.instances().stream().map(i -> i.width() + "x" + i.height()).toList());
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("lower pyramid levels not generated")
                && w.contains("JPEG 2000")), r.warnings().toString());
        assertTrue(r.allPixelsPreserved());
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
