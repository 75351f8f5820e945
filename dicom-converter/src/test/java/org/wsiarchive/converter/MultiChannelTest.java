package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.awt.image.Raster;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.converter.source.SourceException;

/** QPTIFF and OME-TIFF fluorescence: one optical path and one instance per channel, pixels preserved exactly. */
class MultiChannelTest {

    @TempDir
    Path tmp;

    static Raster jdkPlane(Path file, int ifd) throws Exception {
        ImageReader r = org.wsiarchive.converter.source.TiffImages.jdkTiffReader();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            r.setInput(in);
            return r.read(ifd).getRaster();
        } finally {
            r.dispose();
        }
    }

    static byte[] pixelData(Path dcm) throws Exception {
        AttributeList l = new AttributeList();
        l.read(dcm.toString());
        return l.get(TagFromName.PixelData).getByteValues();
    }

    /** Compares the native tiles (TILED_FULL, zero-padded edges) of one instance with a decoded plane. */
    static void assertTilesEqualPlane(Path dcm, Raster plane) throws Exception {
        assertTilesEqual(dcm, plane.getWidth(), plane.getHeight(), (x, y) -> plane.getSample(x, y, 0));
    }

    /**
     * Compares the native tiles of one 8- or 16-bit MONOCHROME2 instance with expected samples: TILED_FULL order,
     * edges zero-padded; 16-bit Pixel Data must be OW.
     */
    static void assertTilesEqual(Path dcm, int w, int hh, java.util.function.IntBinaryOperator sampleAt) throws Exception {
        AttributeList h = TestSupport.header(dcm);
        int rows = (int) Dcm.lng(h, "Rows");
        int cols = (int) Dcm.lng(h, "Columns");
        assertEquals(w, Dcm.lng(h, "TotalPixelMatrixColumns"));
        assertEquals(hh, Dcm.lng(h, "TotalPixelMatrixRows"));
        int bits = (int) Dcm.lng(h, "BitsAllocated");
        AttributeList full = new AttributeList();
        full.read(dcm.toString());
        com.pixelmed.dicom.Attribute pixelData = full.get(TagFromName.PixelData);
        int[] px;
        if (bits == 16) {
            assertEquals("OW", new String(pixelData.getVR()), "16-bit native Pixel Data is OW");
            short[] s = pixelData.getShortValues();
            px = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                px[i] = s[i] & 0xFFFF;
            }
        } else {
            assertEquals(8, bits);
            byte[] b = pixelData.getByteValues();
            px = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                px[i] = b[i] & 0xFF;
            }
        }
        int across = (w + cols - 1) / cols;
        int frames = Integer.parseInt(Dcm.str(h, "NumberOfFrames"));
        assertEquals(across * ((hh + rows - 1) / rows), frames);
        assertTrue(px.length >= frames * rows * cols);
        for (int f = 0; f < frames; f++) {
            int x0 = (f % across) * cols;
            int y0 = (f / across) * rows;
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    int expected = x0 + x < w && y0 + y < hh ? sampleAt.applyAsInt(x0 + x, y0 + y) : 0;
                    int actual = px[f * rows * cols + y * cols + x];
                    if (expected != actual) {
                        throw new AssertionError(dcm.getFileName() + " frame " + f + " pixel " + x + "," + y + ": "
                                + actual + " != " + expected);
                    }
                }
            }
        }
    }

    static void assertNoDciodvfyErrors(ConversionResult r) throws Exception {
        if (!TestSupport.onPath("dciodvfy")) {
            return;
        }
        for (ConversionResult.Instance i : r.instances()) {
            assertEquals(List.of(), TestSupport.dciodvfy(i.file()).stream().filter(l -> l.startsWith("Error")).toList(),
                    i.file().toString());
        }
    }

    @Test
    void qptiffChannelsBecomeOpticalPaths() throws Exception {
        Path in = TestSupport.testdata().resolve("wsi/qptiff/small_vectra.qptiff");
        ConversionResult r = Converter.convert(in, tmp.resolve("q"), new SlideMetadata(), ConversionOptions.defaults());
        assertEquals(List.of("level-0-path1.dcm", "level-0-path2.dcm", "level-0-path3.dcm", "thumbnail.dcm",
                "overview.dcm", "label.dcm"), r.instances().stream().map(i -> i.file().getFileName().toString()).toList());
        Set<String> sops = new HashSet<>();
        Set<String> descriptions = new HashSet<>();
        String frameOfRef = null;
        for (int c = 0; c < 3; c++) {
            Path f = r.instances().get(c).file();
            AttributeList h = TestSupport.header(f);
            assertEquals("MONOCHROME2", Dcm.str(h, "PhotometricInterpretation"));
            assertEquals("IDENTITY", Dcm.str(h, "PresentationLUTShape"));
            assertEquals("00", Dcm.str(h, "LossyImageCompression"));
            assertEquals("ORIGINAL\\PRIMARY\\VOLUME\\NONE", Dcm.str(h, "ImageType"), "level 0 of every channel");
            AttributeList op = Dcm.item(h, "OpticalPathSequence");
            assertEquals(Integer.toString(c + 1), Dcm.str(op, "OpticalPathIdentifier"));
            assertEquals(Integer.toString(c + 1), Dcm.str(Dcm.item(Dcm.item(h, "SharedFunctionalGroupsSequence"),
                    "OpticalPathIdentificationSequence"), "OpticalPathIdentifier"));
            assertEquals("111743", Dcm.str(Dcm.item(op, "IlluminationTypeCodeSequence"), "CodeValue"));
            // channel name read independently from the directory's description
            String desc = TestSupport.jdkTiffDirectory(in, c).getTIFFField(270).getAsString(0);
            Matcher m = Pattern.compile("<Name>([^<]*)</Name>").matcher(desc);
            assertTrue(m.find());
            assertTrue(Dcm.str(op, "OpticalPathDescription").startsWith(m.group(1)), Dcm.str(op, "OpticalPathDescription"));
            descriptions.add(m.group(1));
            sops.add(Dcm.str(h, "SOPInstanceUID"));
            if (frameOfRef == null) {
                frameOfRef = Dcm.str(h, "FrameOfReferenceUID");
            }
            assertEquals(frameOfRef, Dcm.str(h, "FrameOfReferenceUID"));
            assertEquals(r.seriesUid(), Dcm.str(h, "SeriesInstanceUID"));
            assertTilesEqualPlane(f, jdkPlane(in, c));
        }
        assertEquals(3, sops.size());
        assertEquals(3, descriptions.size(), "three different channels: " + descriptions);
        assertNoDciodvfyErrors(r);
    }

    @Test
    void omeTiffChannelsWithPhysicalSize() throws Exception {
        Path in = TestSupport.testdata().resolve("wsi/ometiff/cells-2c.ome.tif");
        ConversionResult r = Converter.convert(in, tmp.resolve("o"), new SlideMetadata(), ConversionOptions.defaults());
        assertEquals(List.of("level-0-path1.dcm", "level-0-path2.dcm"),
                r.instances().stream().map(i -> i.file().getFileName().toString()).toList());
        for (int c = 0; c < 2; c++) {
            Path f = r.instances().get(c).file();
            AttributeList h = TestSupport.header(f);
            double[] ps = Dcm.doubles(Dcm.item(Dcm.item(h, "SharedFunctionalGroupsSequence"), "PixelMeasuresSequence"),
                    "PixelSpacing");
            assertEquals(0.00025, ps[0], 1e-12);
            assertEquals(Integer.toString(c + 1), Dcm.str(Dcm.item(h, "OpticalPathSequence"), "OpticalPathIdentifier"));
            assertTilesEqualPlane(f, jdkPlane(in, c));
        }
        assertNoDciodvfyErrors(r);
    }

    @Test
    void signedOmeTiffIsRejected() throws Exception {
        Path out = tmp.resolve("s");
        SourceException e = assertThrows(SourceException.class, () -> Converter.convert(
                TestSupport.testdata().resolve("wsi/ometiff/4D-series.ome.tiff"), out, new SlideMetadata(),
                ConversionOptions.defaults()));
        assertTrue(e.getMessage().contains("pixel type int8 is not supported"), e.getMessage());
        NegativeInputTest.assertEmpty(out);
    }
}
