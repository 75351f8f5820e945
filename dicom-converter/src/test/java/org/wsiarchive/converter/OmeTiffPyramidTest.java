package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.plugins.tiff.TIFFDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OME-TIFF 6 pyramids (reduced resolutions in SubIFDs of each plane) made with libvips at test time, the OME-XML set
 * with tiffset: 16-bit fluorescence channels (every pixel of every level round-trips) and brightfield RGB with JPEG
 * tiles (level-0 frames are the source tiles byte for byte).
 */
class OmeTiffPyramidTest {

    @TempDir
    Path tmp;

    static void run(String... cmd) throws Exception {
        TestSupport.ProcResult r = TestSupport.run(List.of(cmd));
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + "\n" + r.output());
    }

    static void requireTools() {
        assumeTrue(TestSupport.onPath("vips") && TestSupport.onPath("tiffset"),
                "vips and tiffset (libvips-tools, libtiff-tools) are needed to make OME-TIFF pyramids");
    }

    static String omeXml(String type, int sizeX, int sizeY, int sizeC, int planes, String channels, String physicalSize) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" Creator=\"vips test pyramid\">"
                + "<Image ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYCZT\" Type=\"" + type + "\" SizeX=\""
                + sizeX + "\" SizeY=\"" + sizeY + "\" SizeC=\"" + sizeC + "\" SizeZ=\"1\" SizeT=\"1\" " + physicalSize
                + ">" + channels + "<TiffData IFD=\"0\" PlaneCount=\"" + planes + "\"/></Pixels></Image></OME>";
    }

    /** Samples of one SubIFD level, decoded by libvips (independent of the converter) as little-endian words. */
    int[] vipsLevel(Path tif, int page, int subifd, int w, int h) throws Exception {
        Path raw = tmp.resolve("p" + page + "-s" + subifd + ".raw");
        run("vips", "rawsave", tif + "[page=" + page + ",subifd=" + subifd + "]", raw.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2L * w * h, b.capacity(), "raw level size");
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort(2 * i) & 0xFFFF;
        }
        return out;
    }

    @Test
    void sixteenBitChannelsInSubIfdPyramidRoundTripExactly() throws Exception {
        requireTools();
        // two 1000x700 channels of 16-bit noise around 30000 (values far above 255), stacked as pages; no predictor:
        // the JDK TIFF decoder cannot undo horizontal differencing of 16-bit samples
        Path noise = tmp.resolve("noise.v");
        Path u16 = tmp.resolve("u16.v");
        Path tif = tmp.resolve("fluo16.ome.tif");
        run("vips", "gaussnoise", noise.toString(), "1000", "1400", "--mean", "30000", "--sigma", "9000");
        run("vips", "cast", noise.toString(), u16.toString(), "ushort");
        run("vips", "tiffsave", u16.toString(), tif.toString(), "--tile", "--tile-width", "256", "--tile-height", "256",
                "--pyramid", "--subifd", "--compression", "deflate", "--predictor", "none", "--page-height", "700");
        run("tiffset", "-s", "270", omeXml("uint16", 1000, 700, 2, 2,
                "<Channel ID=\"Channel:0:0\" Name=\"DAPI\" SamplesPerPixel=\"1\" ExcitationWavelength=\"358\"/>"
                        + "<Channel ID=\"Channel:0:1\" Name=\"FITC\" SamplesPerPixel=\"1\"/>",
                "PhysicalSizeX=\"0.5\" PhysicalSizeY=\"500\" PhysicalSizeYUnit=\"nm\""), tif.toString());

        ConversionResult r = Converter.convert(tif, tmp.resolve("out"), new SlideMetadata(), ConversionOptions.defaults());
        assertEquals(List.of("level-0-path1.dcm", "level-0-path2.dcm", "level-1-path1.dcm", "level-1-path2.dcm",
                        "level-2-path1.dcm", "level-2-path2.dcm"),
                r.instances().stream().map(i -> i.file().getFileName().toString()).toList(), r.summary());
        int[][] sizes = {{1000, 700}, {500, 350}, {250, 175}};
        int above255 = 0;
        for (int level = 0; level < 3; level++) {
            for (int c = 0; c < 2; c++) {
                Path dcm = r.instances().get(level * 2 + c).file();
                AttributeList h = TestSupport.header(dcm);
                assertEquals(16, Dcm.lng(h, "BitsAllocated"));
                assertEquals(16, Dcm.lng(h, "BitsStored"));
                assertEquals(15, Dcm.lng(h, "HighBit"));
                assertEquals(0, Dcm.lng(h, "PixelRepresentation"));
                assertEquals("MONOCHROME2", Dcm.str(h, "PhotometricInterpretation"));
                assertEquals("00", Dcm.str(h, "LossyImageCompression"));
                assertEquals(Integer.toString(c + 1), Dcm.str(Dcm.item(h, "OpticalPathSequence"), "OpticalPathIdentifier"));
                double[] ps = Dcm.doubles(Dcm.item(Dcm.item(h, "SharedFunctionalGroupsSequence"), "PixelMeasuresSequence"),
                        "PixelSpacing");
                assertEquals(0.0005 * (1 << level), ps[0], 1e-12, "row spacing, 500 nm at level 0");
                assertEquals(0.0005 * (1 << level), ps[1], 1e-12, "column spacing, 0.5 (default unit: micrometre) at level 0");
                int w = sizes[level][0];
                int hh = sizes[level][1];
                int[] expected;
                if (level == 0) {
                    java.awt.image.Raster plane = MultiChannelTest.jdkPlane(tif, c);
                    expected = plane.getSamples(0, 0, w, hh, 0, new int[w * hh]);
                } else {
                    expected = vipsLevel(tif, c, level - 1, w, hh);
                }
                for (int v : expected) {
                    above255 += v > 255 ? 1 : 0;
                }
                int[] e = expected;
                MultiChannelTest.assertTilesEqual(dcm, w, hh, (x, y) -> e[y * w + x]);
            }
        }
        assertTrue(above255 > 1000, "the samples use the 16-bit range: " + above255);
        assertEquals(358.0, Dcm.doubles(Dcm.item(TestSupport.header(r.instances().get(0).file()), "OpticalPathSequence"),
                "IlluminationWaveLength")[0], 1e-6);
        MultiChannelTest.assertNoDciodvfyErrors(r);
    }

    @Test
    void brightfieldRgbJpegPyramidTilesAreCopied() throws Exception {
        requireTools();
        Path tif = tmp.resolve("rgb.ome.tif");
        run("vips", "tiffsave", TestSupport.svs("CMU-1-Small-Region.svs").toString(), tif.toString(), "--tile",
                "--pyramid", "--subifd", "--compression", "jpeg", "--Q", "85", "--tile-width", "256", "--tile-height", "256");
        run("tiffset", "-s", "270", omeXml("uint8", 2220, 2967, 3, 1,
                "<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"3\"/>",
                "PhysicalSizeX=\"0.499\" PhysicalSizeY=\"0.000499\" PhysicalSizeYUnit=\"mm\""), tif.toString());

        ConversionResult r = Converter.convert(tif, tmp.resolve("out"), new SlideMetadata(), ConversionOptions.defaults());
        List<String> names = new ArrayList<>();
        for (int level = 0; level < 5; level++) {
            names.add("level-" + level + ".dcm");
        }
        assertEquals(names, r.instances().stream().map(i -> i.file().getFileName().toString()).toList(), r.summary());
        assertEquals(0.499, r.mpp(), 1e-9);
        assertTrue(r.allPixelsPreserved(), r.summary());
        int previousWidth = Integer.MAX_VALUE;
        for (int level = 0; level < 5; level++) {
            AttributeList h = TestSupport.header(r.instances().get(level).file());
            assertEquals(3, Dcm.lng(h, "SamplesPerPixel"));
            assertEquals("YBR_FULL_422", Dcm.str(h, "PhotometricInterpretation"), "libvips writes YCbCr JPEG tiles");
            assertEquals("1.2.840.10008.1.2.4.50", Dcm.str(h, "TransferSyntaxUID"));
            assertEquals("111744", Dcm.str(Dcm.item(Dcm.item(h, "OpticalPathSequence"), "IlluminationTypeCodeSequence"),
                    "CodeValue"), "brightfield");
            int width = (int) Dcm.lng(h, "TotalPixelMatrixColumns");
            assertEquals(2220 >> level, width, "vips halves each SubIFD level");
            assertTrue(width < previousWidth);
            previousWidth = width;
        }
        // level 0 is IFD 0 of the main chain: compare every frame with its tile, read via the JDK TIFF plugin
        TIFFDirectory d0 = TestSupport.jdkTiffDirectory(tif, 0);
        long[] offsets = TestSupport.longs(d0, 324);
        long[] counts = TestSupport.longs(d0, 325);
        byte[] tables = d0.getTIFFField(347).getAsBytes();
        TestSupport.Encapsulated enc = TestSupport.encapsulated(r.instances().get(0).file());
        assertEquals(offsets.length, enc.itemValues().size(), "one frame per tile");
        for (int i = 0; i < offsets.length; i++) {
            byte[] tile = TestSupport.readRange(tif, offsets[i], counts[i]);
            TestSupport.assertFrame(TestSupport.expectedJpegFrame(tables, tile, null), enc.itemValues().get(i), "frame " + i);
        }
        MultiChannelTest.assertNoDciodvfyErrors(r);
    }
}
