package org.wsiarchive.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pixelmed.dicom.AttributeList;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.plugins.tiff.TIFFDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Philips-style TIFF built at test time: a libvips tiled JPEG pyramid of the CMU sample, the DPUfsImport XML set
 * with tiffset (per-level DICOM_PIXEL_SPACING, sizes padded to whole tiles as Philips writes them, a base64 label),
 * ImageWidth/Length patched to whole tiles and one level-0 tile removed (TileOffsets/TileByteCounts 0).
 */
class PhilipsTiffTest {

    @TempDir
    Path tmp;

    static final double MM0 = 0.000499;
    static final int TILE = 256;
    /** Sizes libvips gives the CMU pyramid (each level half the one above, rounded down). */
    static final int[][] VIPS_SIZES = {{2220, 2967}, {1110, 1483}, {555, 741}, {277, 370}, {138, 185}};
    static final int MISSING_TILE = 10; // row 1, column 1 of level 0 (9 tiles across)

    static void run(String... cmd) throws Exception {
        TestSupport.ProcResult r = TestSupport.run(List.of(cmd));
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + "\n" + r.output());
    }

    static int padded(int size) {
        return (size + TILE - 1) / TILE * TILE;
    }

    static String attribute(String name, String pmsvr, String value) {
        return "<Attribute Name=\"" + name + "\" Group=\"0x0000\" Element=\"0x0000\" PMSVR=\"" + pmsvr + "\">" + value
                + "</Attribute>\n";
    }

    /** The XML in the layout of Philips exports: DICOM-named attributes, arrays of DataObjects, quoted doubles. */
    static String philipsXml(String labelBase64) {
        StringBuilder levels = new StringBuilder();
        for (int k = 0; k < VIPS_SIZES.length; k++) {
            String sp = Double.toString(MM0 * (1 << k));
            levels.append("<DataObject ObjectType=\"PixelDataRepresentation\">\n")
                    .append(attribute("DICOM_PIXEL_SPACING", "IDoubleArray", "&quot;" + sp + "&quot; &quot;" + sp + "&quot;"))
                    .append(attribute("PIIM_PIXEL_DATA_REPRESENTATION_COLUMNS", "IUInt32", Integer.toString(padded(VIPS_SIZES[k][0]))))
                    .append(attribute("PIIM_PIXEL_DATA_REPRESENTATION_NUMBER", "IUInt16", Integer.toString(k)))
                    .append(attribute("PIIM_PIXEL_DATA_REPRESENTATION_ROWS", "IUInt32", Integer.toString(padded(VIPS_SIZES[k][1]))))
                    .append("</DataObject>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<DataObject ObjectType=\"DPUfsImport\">\n"
                + attribute("DICOM_MANUFACTURER", "IString", "PHILIPS")
                + attribute("PIM_DP_SCANNED_IMAGES", "IDataObjectArray", "<Array>\n"
                + "<DataObject ObjectType=\"DPScannedImage\">\n"
                + attribute("PIM_DP_IMAGE_TYPE", "IString", "WSI")
                + attribute("DICOM_PIXEL_SPACING", "IDoubleArray", "&quot;" + MM0 + "&quot; &quot;" + MM0 + "&quot;")
                + attribute("PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE", "IDataObjectArray", "<Array>\n" + levels + "</Array>")
                // the scanned size, smaller than the whole-tile TIFF size
                + attribute("PIM_DP_IMAGE_COLUMNS", "IUInt32", "2220")
                + attribute("PIM_DP_IMAGE_ROWS", "IUInt32", "2967")
                + "</DataObject>\n"
                + "<DataObject ObjectType=\"DPScannedImage\">\n"
                + attribute("PIM_DP_IMAGE_TYPE", "IString", "LABELIMAGE")
                + attribute("PIM_DP_IMAGE_DATA", "IString", labelBase64)
                + "</DataObject>\n</Array>")
                + attribute("DICOM_SOFTWARE_VERSIONS", "IStringArray", "&quot;4.0.3&quot;")
                + "</DataObject>\n";
    }

    /**
     * Overwrites value {@code index} of a SHORT/LONG tag in main-chain directory {@code ifd} of a little-endian classic
     * TIFF (what libvips and tiffset write) — an independent writer, not the converter's TIFF reader.
     */
    static void patchTag(Path tif, int ifd, int tag, int index, long value) throws Exception {
        try (FileChannel ch = FileChannel.open(tif, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            assertEquals('I', head.get(0));
            long offset = head.getInt(4) & 0xFFFFFFFFL;
            for (int i = 0; i < ifd; i++) {
                ByteBuffer n = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(n, offset);
                ByteBuffer next = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(next, offset + 2 + 12L * (n.getShort(0) & 0xFFFF));
                offset = next.getInt(0) & 0xFFFFFFFFL;
            }
            ByteBuffer n = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(n, offset);
            int entries = n.getShort(0) & 0xFFFF;
            ByteBuffer table = ByteBuffer.allocate(12 * entries).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(table, offset + 2);
            for (int e = 0; e < entries; e++) {
                if ((table.getShort(12 * e) & 0xFFFF) != tag) {
                    continue;
                }
                int type = table.getShort(12 * e + 2);
                int size = type == 3 ? 2 : 4;
                long count = table.getInt(12 * e + 4) & 0xFFFFFFFFL;
                long at = count * size <= 4 ? offset + 2 + 12L * e + 8 : table.getInt(12 * e + 8) & 0xFFFFFFFFL;
                ByteBuffer v = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
                if (size == 2) {
                    v.putShort(0, (short) value);
                } else {
                    v.putInt(0, (int) value);
                }
                ch.write(v, at + (long) index * size);
                return;
            }
            throw new AssertionError("tag " + tag + " not in IFD " + ifd);
        }
    }

    @Test
    void philipsLevelsSpacingLabelAndFilledTile() throws Exception {
        assumeTrue(TestSupport.onPath("vips") && TestSupport.onPath("tiffset"),
                "vips and tiffset (libvips-tools, libtiff-tools) are needed to make a Philips-style TIFF");
        Path svs = TestSupport.svs("CMU-1-Small-Region.svs");
        Path tif = tmp.resolve("philips.tiff");
        Path labelJpeg = tmp.resolve("label.jpg");
        run("vips", "tiffsave", svs.toString(), tif.toString(), "--tile", "--pyramid", "--compression", "jpeg", "--Q", "85",
                "--tile-width", "256", "--tile-height", "256");
        run("vips", "thumbnail", svs.toString(), labelJpeg.toString(), "120");
        byte[] label = Files.readAllBytes(labelJpeg);
        run("tiffset", "-s", "305", "Philips DP v1.0", tif.toString());
        run("tiffset", "-s", "270", philipsXml(Base64.getEncoder().encodeToString(label)), tif.toString());
        for (int k = 0; k < VIPS_SIZES.length; k++) {
            TIFFDirectory d = TestSupport.jdkTiffDirectory(tif, k);
            assertEquals(VIPS_SIZES[k][0], TestSupport.longs(d, 256)[0], "vips level " + k + " width");
            patchTag(tif, k, 256, 0, padded(VIPS_SIZES[k][0]));
            patchTag(tif, k, 257, 0, padded(VIPS_SIZES[k][1]));
        }
        long[] sourceCounts0 = TestSupport.longs(TestSupport.jdkTiffDirectory(tif, 0), 325);
        assertTrue(sourceCounts0[MISSING_TILE] > 1000, "the removed tile had image data");
        patchTag(tif, 0, 324, MISSING_TILE, 0);
        patchTag(tif, 0, 325, MISSING_TILE, 0);

        ConversionResult r = Converter.convert(tif, tmp.resolve("out"), new SlideMetadata(), ConversionOptions.defaults());
        assertEquals("Philips TIFF", r.sourceFormat());
        assertEquals(List.of("level-0.dcm", "level-1.dcm", "level-2.dcm", "level-3.dcm", "level-4.dcm", "label.dcm"),
                r.instances().stream().map(i -> i.file().getFileName().toString()).toList(), r.summary());
        assertEquals(0.499, r.mpp(), 1e-9, "1000 x DICOM_PIXEL_SPACING");
        assertTrue(r.summary().contains("level 0: 1 of 108 tiles are absent"), r.summary());

        for (int k = 0; k < VIPS_SIZES.length; k++) {
            Path dcm = r.instances().get(k).file();
            AttributeList h = TestSupport.header(dcm);
            // true size: the scanned 2220x2967 divided by the downsample from the XML spacing, not the padded TIFF size
            int w = (int) Math.ceil(2220.0 / (1 << k));
            int hh = (int) Math.ceil(2967.0 / (1 << k));
            assertEquals(w, Dcm.lng(h, "TotalPixelMatrixColumns"), "level " + k);
            assertEquals(hh, Dcm.lng(h, "TotalPixelMatrixRows"), "level " + k);
            double[] ps = Dcm.doubles(Dcm.item(Dcm.item(h, "SharedFunctionalGroupsSequence"), "PixelMeasuresSequence"),
                    "PixelSpacing");
            assertEquals(MM0 * (1 << k), ps[0], 1e-12, "level " + k + " spacing from the XML");
            assertEquals(MM0 * (1 << k), ps[1], 1e-12, "level " + k + " spacing from the XML");
            assertEquals("TILED_FULL", Dcm.str(h, "DimensionOrganizationType"));
            int across = (w + TILE - 1) / TILE;
            int down = (hh + TILE - 1) / TILE;
            assertEquals(across * down, Integer.parseInt(Dcm.str(h, "NumberOfFrames")));

            TIFFDirectory d = TestSupport.jdkTiffDirectory(tif, k);
            long[] offsets = TestSupport.longs(d, 324);
            long[] counts = TestSupport.longs(d, 325);
            byte[] tables = d.getTIFFField(347).getAsBytes();
            int tiffAcross = (int) (TestSupport.longs(d, 256)[0] / TILE);
            TestSupport.Encapsulated enc = TestSupport.encapsulated(dcm);
            assertEquals(across * down, enc.itemValues().size());
            for (int f = 0; f < enc.itemValues().size(); f++) {
                int tile = (f / across) * tiffAcross + f % across;
                if (k == 0 && tile == MISSING_TILE) {
                    BufferedImage img = ImageIO.read(new ByteArrayInputStream(enc.itemValues().get(f)));
                    assertEquals(TILE, img.getWidth());
                    assertEquals(TILE, img.getHeight());
                    for (int y = 0; y < TILE; y++) {
                        for (int x = 0; x < TILE; x++) {
                            int rgb = img.getRGB(x, y);
                            assertTrue(((rgb >> 16) & 255) >= 250 && ((rgb >> 8) & 255) >= 250 && (rgb & 255) >= 250,
                                    "filled tile pixel " + x + "," + y + " is white: " + Integer.toHexString(rgb));
                        }
                    }
                    continue;
                }
                byte[] source = TestSupport.readRange(tif, offsets[tile], counts[tile]);
                TestSupport.assertFrame(TestSupport.expectedJpegFrame(tables, source, null), enc.itemValues().get(f),
                        "level " + k + " frame " + f);
            }
        }
        TestSupport.Encapsulated labelFrames = TestSupport.encapsulated(r.instances().get(5).file());
        assertArrayEquals(label, java.util.Arrays.copyOf(labelFrames.itemValues().get(0), label.length),
                "label = the XML's JPEG byte for byte");
        AttributeList labelHeader = TestSupport.header(r.instances().get(5).file());
        assertEquals("LABEL", Dcm.str(labelHeader, "ImageType").split("\\\\")[2]);
        assertEquals("PHILIPS", Dcm.str(TestSupport.header(r.instances().get(0).file()), "Manufacturer"));
        MultiChannelTest.assertNoDciodvfyErrors(r);
    }
}
